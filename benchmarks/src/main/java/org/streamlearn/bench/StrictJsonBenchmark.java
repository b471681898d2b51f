package org.streamlearn.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
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
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.store.json.Json;

/**
 * The cost of the shared mapper's strict features (issue 15: duplicate-key detection and the trailing-token
 * check) on the happy path: a typical training event, {@code {"id": …, "features": [20 numbers], "label": …}},
 * parsed with and without them, in the same run. Pairs: the token stream ({@code tokens*}: every token read,
 * numbers as doubles, then the check that nothing follows the object, which the strict variant does and the
 * lenient one skips), the tree ({@code tree*}: {@code readTree} with the strict mapper, and with a reader and a
 * parser of the same mapper with both features off), and {@code eventParser}, what the service runs (the
 * streaming fast path, which finds a repeated field itself and checks for trailing content). Sixteen distinct
 * events are cycled so that the branch predictor cannot learn one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class StrictJsonBenchmark {

    private static final int EVENTS = 16;

    private byte[][] events;
    private int cursor;
    private ObjectReader lenientReader;

    /** Builds the events. */
    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        events = new byte[EVENTS][];
        for (int e = 0; e < EVENTS; e++) {
            StringBuilder b = new StringBuilder("{\"id\":\"evt-").append(100_000 + e).append("\",\"features\":[");
            for (int j = 0; j < 20; j++) {
                b.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", r.nextGaussian()));
            }
            b.append("],\"label\":").append(String.format(Locale.ROOT, "%.6f", r.nextGaussian())).append('}');
            events[e] = b.toString().getBytes(StandardCharsets.UTF_8);
        }
        lenientReader = Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private byte[] next() {
        byte[] e = events[cursor];
        cursor = (cursor + 1) & (EVENTS - 1);
        return e;
    }

    /** The service's parser: the streaming fast path. */
    @Benchmark
    public ParsedEvent eventParser() {
        return EventParser.parseTraining(next());
    }

    /** Tokens with Jackson's duplicate detection on, and the trailing-content check. */
    @Benchmark
    public double tokensStrict() throws IOException {
        try (JsonParser p = Json.MAPPER.createParser(next())) {
            double s = readAll(p);
            if (p.nextToken() != null) {
                throw new IllegalStateException("trailing content");
            }
            return s;
        }
    }

    /** Tokens with duplicate detection off, no trailing-content check. */
    @Benchmark
    public double tokensLenient() throws IOException {
        try (JsonParser p = Json.MAPPER.createParser(next()).disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)) {
            return readAll(p);
        }
    }

    /** The strict mapper's tree. */
    @Benchmark
    public JsonNode treeStrict() throws IOException {
        return Json.MAPPER.readTree(next());
    }

    /** The same mapper's tree with duplicate detection and the trailing-token check off. */
    @Benchmark
    public JsonNode treeLenient() throws IOException {
        try (JsonParser p = Json.MAPPER.createParser(next()).disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)) {
            return lenientReader.readTree(p);
        }
    }

    private static double readAll(JsonParser p) throws IOException {
        double s = 0;
        int depth = 0;
        do {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            } else if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
                s += p.getDoubleValue();
            } else if (t == JsonToken.VALUE_STRING) {
                s += p.getTextLength();
            }
        } while (depth > 0);
        return s;
    }
}
