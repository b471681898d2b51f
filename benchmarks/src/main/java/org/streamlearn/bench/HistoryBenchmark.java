package org.streamlearn.bench;

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
import org.streamlearn.app.metrics.ModelHistory;
import org.streamlearn.app.streams.Outputs;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.ModelState;

/**
 * What the dashboard's history adds to a published {@code model-metrics} record (the stream thread notes every
 * record it sends in {@link ModelHistory}): {@code publish} builds and encodes the record of a d = 20 model with
 * two challengers, as the service does at its publishing cadence; {@code publishAndNote}
 * does the same and notes it (a JSON read and a point), in the same run. Sixteen models are cycled.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HistoryBenchmark {

    private static final int MODELS = 16;

    private ModelState[] models;
    private final ModelHistory history = new ModelHistory();
    private int cursor;
    private long now = 1;

    /** Sixteen models that learned 200 events each, so every figure of their records is a number. */
    @Setup
    public void setup() {
        ModelSpec spec = ModelSpecs.parse("{\"task\":\"regression\",\"features\":20,\"optimizer\":{\"type\":\"sgd\","
                + "\"learningRate\":0.01},\"challengers\":[{\"name\":\"adam\",\"spec\":{\"optimizer\":{\"type\":"
                + "\"adam\",\"learningRate\":0.01}}},{\"name\":\"slow\",\"spec\":{\"optimizer\":{\"type\":\"sgd\","
                + "\"learningRate\":0.001}}}]}");
        models = LearnedModels.of(spec, MODELS, 200, 42);
    }

    /** Builds and encodes one model's metrics record. */
    @Benchmark
    public byte[] publish() {
        ModelState s = models[cursor++ & (MODELS - 1)];
        return Outputs.bytes(Outputs.metrics(s, now++));
    }

    /** The same, then notes it in the history. */
    @Benchmark
    public byte[] publishAndNote() {
        ModelState s = models[cursor++ & (MODELS - 1)];
        byte[] record = Outputs.bytes(Outputs.metrics(s, now++));
        history.metrics(s.modelId(), record);
        return record;
    }
}
