package org.streamlearn.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.streamlearn.app.streams.Outputs;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * What writing doubles costs in the JSON records the service publishes, with the shared mapper's writer (the
 * shortest decimal, Jackson's Schubfach: {@code USE_FAST_DOUBLE_WRITER}) and with the JDK's
 * {@code Double.toString} (the same mapper without that feature), in the same run: a {@code model-metrics} record
 * ({@code metrics*}, 6 doubles) and a {@code model-parameters} snapshot ({@code snapshot*}, about 120 doubles at
 * d = 20 with Adam and standardization). The trees are built once; only their encoding is measured. Sixteen
 * models that learned 200 events each are cycled.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonWriteBenchmark {

    private static final int MODELS = 16;

    private final ObjectNode[] metrics = new ObjectNode[MODELS];
    private final ObjectNode[] snapshots = new ObjectNode[MODELS];
    private final ObjectWriter fast = Json.MAPPER.writer();
    private final ObjectWriter jdk = Json.MAPPER.writer().without(StreamWriteFeature.USE_FAST_DOUBLE_WRITER);
    private int cursor;

    /** Sixteen d = 20 Adam models, standardized, that learned 200 events each, and their records' trees. */
    @Setup
    public void setup() {
        ModelSpec spec = ModelSpecs.parse("{\"task\":\"regression\",\"features\":20,\"standardize\":true,"
                + "\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.01}}");
        ModelState[] learned = LearnedModels.of(spec, MODELS, 200, 42);
        for (int m = 0; m < MODELS; m++) {
            metrics[m] = Outputs.metrics(learned[m], 1_700_000_000_000L + m);
            snapshots[m] = JsonStateCodec.toJson(learned[m]);
        }
    }

    /** A metrics record, shortest decimals (the service's writer). */
    @Benchmark
    public byte[] metricsFast() throws JsonProcessingException {
        return fast.writeValueAsBytes(metrics[cursor++ & (MODELS - 1)]);
    }

    /** A metrics record, the JDK's {@code Double.toString}. */
    @Benchmark
    public byte[] metricsJdk() throws JsonProcessingException {
        return jdk.writeValueAsBytes(metrics[cursor++ & (MODELS - 1)]);
    }

    /** A snapshot, shortest decimals (the service's writer). */
    @Benchmark
    public byte[] snapshotFast() throws JsonProcessingException {
        return fast.writeValueAsBytes(snapshots[cursor++ & (MODELS - 1)]);
    }

    /** A snapshot, the JDK's {@code Double.toString}. */
    @Benchmark
    public byte[] snapshotJdk() throws JsonProcessingException {
        return jdk.writeValueAsBytes(snapshots[cursor++ & (MODELS - 1)]);
    }
}
