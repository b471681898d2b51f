package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.streamlearn.app.streams.TopologyHarness.drain;
import static org.streamlearn.app.streams.TopologyHarness.last;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.spec.LearnerConfigs;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;
import org.streamlearn.store.state.SpecApart;

/** The topology on TopologyTestDriver: bit-identity with the core, mini-batches, predictions, many models. */
class TopologyTest {

    static Stream<Arguments> cases() {
        return Reference.cases().stream().map(c -> Arguments.of(Named.of(c.get("name").asText(), c)));
    }

    static List<String> lines(JsonNode c) throws IOException {
        return Files.readAllLines(Reference.folder().resolve(c.get("dataset").asText())).stream()
                .filter(l -> !l.isBlank()).toList();
    }

    /** The core alone over the same events, then the final partial batch. */
    static OnlineLearner core(ModelSpec spec, List<String> lines) {
        OnlineLearner l = OnlineLearner.create(LearnerConfigs.of(spec));
        ExampleEncoder enc = new ExampleEncoder(spec);
        for (String line : lines) {
            enc.learn(l, EventParser.parseTraining(line));
        }
        return l;
    }

    static void assertSameBits(JsonNode actual, double[] expected, int from, String where) {
        assertThat(actual.isArray()).as(where).isTrue();
        for (int i = 0; i < actual.size(); i++) {
            assertThat(Double.doubleToLongBits(actual.get(i).doubleValue())).as(where + "[" + i + "]")
                    .isEqualTo(Double.doubleToLongBits(expected[from + i]));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyReferenceCaseIsBitIdenticalToTheCore(JsonNode c, @TempDir Path dir) throws IOException {
        ModelSpec spec = ModelSpecs.fromTree(c.get("spec"));
        List<String> lines = lines(c);
        OnlineLearner core = core(spec, lines);
        core.flush();
        LearnerState s = core.state();
        String id = c.get("name").asText();
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert(id, c.get("spec"));
            for (String line : lines) {
                h.event(id, line);
            }
            h.command(id, "{\"command\":\"flush\"}");
            assertThat(drain(h.deadLetter)).isEmpty();
            JsonNode snap = last(drain(h.parameters), id);
            assertThat(snap.get("seen").asLong()).isEqualTo(lines.size());
            assertThat(snap.get("updates").asLong()).isEqualTo(c.get("expected").get("steps").asLong());
            int d = spec.dimension();
            double[] p = s.params();
            if (spec.outputs() == 1) {
                assertSameBits(snap.get("weights"), p, 0, "weights");
                assertThat(Double.doubleToLongBits(snap.get("intercept").doubleValue()))
                        .isEqualTo(Double.doubleToLongBits(p[d]));
            } else {
                for (int k = 0; k < spec.outputs(); k++) {
                    assertSameBits(snap.get("weights").get(k), p, k * d, "weights[" + k + "]");
                }
                assertSameBits(snap.get("intercept"), p, spec.outputs() * d, "intercept");
            }
            // and within the reference's tolerance of the expected values
            JsonNode end = c.get("expected").get("snapshots").get("end");
            Reference.assertClose(snap.get("weights"), end.get("weights"), "weights");
            Reference.assertClose(snap.get("intercept"), end.get("intercept"), "intercept");
            // progressive metrics, bit for bit
            JsonNode m = last(drain(h.metrics), id);
            assertThat(m.get("seen").asLong()).isEqualTo(lines.size());
            JsonNode metric = m.get("metric");
            switch (spec.task()) {
                case REGRESSION -> {
                    assertThat(metric.get("mse").doubleValue()).isEqualTo(s.metrics().mse());
                    assertThat(metric.get("mae").doubleValue()).isEqualTo(s.metrics().mae());
                }
                case BINARY -> {
                    assertThat(metric.get("logLoss").doubleValue()).isEqualTo(s.metrics().logLoss());
                    assertThat(metric.get("accuracy").doubleValue()).isEqualTo(s.metrics().accuracy());
                    assertThat(metric.get("f1").doubleValue()).isEqualTo(s.metrics().f1());
                }
                default -> {
                    assertThat(metric.get("logLoss").doubleValue()).isEqualTo(s.metrics().logLoss());
                    assertThat(metric.get("accuracy").doubleValue()).isEqualTo(s.metrics().accuracy());
                }
            }
            assertThat(m.get("loss").get("mean").doubleValue()).isEqualTo(s.rolling().mean());
            assertThat(m.get("loss").get("ewma").doubleValue()).isEqualTo(s.rolling().ewma());
            assertThat(m.get("loss").get("window").doubleValue()).isEqualTo(s.rolling().windowMean());
        }
    }

    static final String MINIBATCH = "{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"adam\","
            + "\"learningRate\":0.05},\"update\":{\"mode\":\"minibatch\",\"batchSize\":10,\"maxDelayMs\":1000},"
            + "\"publishEvery\":1}";

    static String event(int i) {
        double x0 = Math.sin(i);
        double x1 = Math.cos(3 * i);
        return "{\"features\":[" + x0 + "," + x1 + "],\"label\":" + (3 * x0 - 2 * x1 + 1) + "}";
    }

    @Test
    void aTimeTriggeredFlushAppliesTheOpenBatch(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(ModelSpecs.parse(MINIBATCH)));
            for (int i = 0; i < 4; i++) {
                h.event("m", event(i));
            }
            drain(h.parameters);
            h.driver.advanceWallClockTime(Duration.ofMillis(400));
            assertThat(drain(h.parameters)).isEmpty();
            h.driver.advanceWallClockTime(Duration.ofMillis(700));
            JsonNode snap = last(drain(h.parameters), "m");
            assertThat(snap).isNotNull();
            assertThat(snap.get("updates").asLong()).isEqualTo(1);
            assertThat(snap.get("timedFlushes").asLong()).isEqualTo(1);
            assertThat(snap.get("seen").asLong()).isEqualTo(4);
            assertThat(snap.has("batch")).isFalse();
        }
    }

    @Test
    void aBufferedBatchSurvivesARestartThroughTheChangelog(@TempDir Path dir) {
        // TopologyTestDriver wipes its state directory on close and cannot restore from a changelog, so the
        // restart is done as Kafka Streams does it: the restarted task's store is rebuilt from the changelog
        // records the first one wrote (the real-broker crash tests kill and restart a real process).
        ModelSpec spec = ModelSpecs.parse(MINIBATCH.replace("\"maxDelayMs\":1000", "\"maxDelayMs\":0"));
        List<String> lines = java.util.stream.IntStream.range(0, 37).mapToObj(TopologyTest::event).toList();
        byte[] lastChangelog;
        byte[] specRecord;
        try (TopologyHarness h = new TopologyHarness(dir.resolve("first"))) {
            h.upsert("m", ModelSpecs.toJson(spec));
            for (String l : lines.subList(0, 25)) {
                h.event("m", l);
            }
            List<TestRecord<String, byte[]>> changelog = h.driver.createOutputTopic("topology-test-models-changelog",
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList();
            assertThat(changelog).isNotEmpty();
            lastChangelog = changelog.get(changelog.size() - 1).value();
            // the state keeps its spec apart: the spec is the changelog's record under the spec's key
            // (written once, with the model, not with each of its changes)
            String specKey = ModelStore.specKey("m", SpecApart.specHash(lastChangelog));
            List<TestRecord<String, byte[]>> specs = changelog.stream().filter(r -> ModelStore.isSpecKey(r.key()))
                    .toList();
            assertThat(specs).hasSize(1);
            assertThat(specs.get(0).key()).isEqualTo(specKey);
            assertThat(changelog.size()).isGreaterThan(1);
            specRecord = specs.get(0).value();
        }
        assertThatThrownBy(() -> BinaryStateCodec.decode(lastChangelog)).hasMessageContaining("spec");
        ModelState restored = BinaryStateCodec.decode(SpecApart.join(lastChangelog, specRecord));
        assertThat(restored.learned().seen()).isEqualTo(25);
        assertThat(restored.learned().batchCount()).isEqualTo(5);
        try (TopologyHarness h = new TopologyHarness(dir.resolve("second"))) {
            h.driver.getStateStore(TopologyFactory.STORE);
            ModelStore store = (ModelStore) h.driver.getStateStore(TopologyFactory.STORE);
            store.save(restored);
            for (String l : lines.subList(25, 37)) {
                h.event("m", l);
            }
            h.command("m", "{\"command\":\"publish\"}");
            JsonNode snap = last(drain(h.parameters), "m");
            OnlineLearner core = core(spec, lines);
            assertThat(snap.get("seen").asLong()).isEqualTo(37);
            assertThat(snap.get("updates").asLong()).isEqualTo(3);
            assertThat(snap.get("batch").get("count").asInt()).isEqualTo(7);
            assertSameBits(snap.get("weights"), core.state().params(), 0, "weights");
            assertSameBits(snap.get("batch").get("gradientSum"), core.state().batchGradient(), 0, "batch");
        }
    }

    @Test
    void metricsArePublishedEveryNEventsAndEveryTSeconds(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir, Map.of(), 10, 1000)) {
            h.upsert("m", ModelSpecs.toJson(ModelSpecs.parse("{\"task\":\"regression\",\"features\":2}")));
            for (int i = 0; i < 25; i++) {
                h.event("m", event(i));
            }
            List<TestRecord<String, JsonNode>> every = drain(h.metrics);
            assertThat(every).extracting(r -> r.value().get("seen").asLong()).containsExactly(10L, 20L);
            h.driver.advanceWallClockTime(Duration.ofMillis(1100));
            List<TestRecord<String, JsonNode>> timed = drain(h.metrics);
            assertThat(timed).hasSize(1);
            assertThat(timed.get(0).value().get("seen").asLong()).isEqualTo(25);
            assertThat(timed.get(0).value().get("modelVersion").asLong()).isEqualTo(26);
            h.driver.advanceWallClockTime(Duration.ofMillis(1100));
            assertThat(drain(h.metrics)).as("nothing new learned: nothing republished").isEmpty();
        }
    }

    @Test
    void anMlpGoesThroughTheSameTopologyBitIdentically(@TempDir Path dir) {
        ModelSpec spec = ModelSpecs.parse("{\"task\":\"regression\",\"features\":2,\"architecture\":{\"type\":"
                + "\"mlp\",\"hidden\":[6],\"activation\":\"tanh\",\"seed\":3},\"optimizer\":{\"type\":\"adam\","
                + "\"learningRate\":0.01},\"update\":{\"mode\":\"minibatch\",\"batchSize\":4}}");
        List<String> lines = java.util.stream.IntStream.range(0, 90).mapToObj(TopologyTest::event).toList();
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("net", ModelSpecs.toJson(spec));
            for (String l : lines) {
                h.event("net", l);
            }
            h.command("net", "{\"command\":\"flush\"}");
            h.request("net", "{\"id\":\"p\",\"features\":[0.3,-0.2]}");
            JsonNode snap = last(drain(h.parameters), "net");
            OnlineLearner core = core(spec, lines);
            core.flush();
            assertThat(snap.get("spec").get("architecture").get("type").asText()).isEqualTo("mlp");
            assertThat(snap.get("layers")).hasSize(2);
            double[] p = org.streamlearn.store.state.JsonStateCodec.fromJson(snap).learned().params();
            assertThat(p).containsExactly(core.state().params());
            JsonNode pred = drain(h.predictions).get(0).value();
            assertThat(pred.get("prediction").doubleValue()).isEqualTo(core.predict(new double[] {0.3, -0.2}).value());
        }
    }

    @Test
    void theStoreEncodesAChangedModelOncePerCommitNotOncePerEvent(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(ModelSpecs.parse(MINIBATCH)));
            for (int i = 0; i < 50; i++) {
                h.event("m", event(i));
            }
            ModelStore store = (ModelStore) h.driver.getStateStore(TopologyFactory.STORE);
            assertThat(stored(store, "m").learned().seen()).isEqualTo(50);
            // ten events learned on the live model between two commits: nothing encoded yet ...
            long before = store.encodes();
            LiveModel live = store.model("m");
            for (int i = 50; i < 60; i++) {
                live.encoder().learn(live.state().learner(), EventParser.parseTraining(event(i)));
                store.markDirty(live);
            }
            assertThat(store.encodes()).isEqualTo(before);
            assertThat(stored(store, "m").learned().seen()).isEqualTo(50);
            // ... and the pre-commit hook encodes the model once, with all ten
            store.flushCache();
            assertThat(store.encodes()).isEqualTo(before + 1);
            assertThat(stored(store, "m").learned().seen()).isEqualTo(60);
            store.flushCache();
            assertThat(store.encodes()).as("a clean model is not written again").isEqualTo(before + 1);
            // an aborted transaction clears the cache: the model comes back from the store
            store.clearCache();
            assertThat(store.model("m")).isNotSameAs(live);
            assertThat(store.model("m").state().learned().seen()).isEqualTo(60);
        }
    }

    /**
     * The write-behind visits only the models dirtied since the last commit: each written once, a model deleted
     * while dirty never written back, a model written at eviction not written again.
     */
    @Test
    void thePreCommitHookWritesTheDirtiedModelsOnlyAndNeverADeletedOne(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            for (String m : List.of("a", "b", "c")) {
                h.upsert(m, ModelSpecs.toJson(ModelSpecs.parse(MINIBATCH)));
                h.event(m, event(0));
            }
            ModelStore store = (ModelStore) h.driver.getStateStore(TopologyFactory.STORE);
            store.flushCache();
            long before = store.encodes();
            for (String m : List.of("a", "b")) {
                LiveModel live = store.model(m);
                live.encoder().learn(live.state().learner(), EventParser.parseTraining(event(1)));
                store.markDirty(live);
                store.markDirty(live);
            }
            store.remove("b");
            store.flushCache();
            assertThat(store.encodes()).as("a once; b deleted; c clean").isEqualTo(before + 1);
            assertThat(stored(store, "a").learned().seen()).isEqualTo(2);
            assertThat(store.storedBytes("b")).isNull();
            assertThat(stored(store, "c").learned().seen()).isEqualTo(1);
        }
    }

    @Test
    void predictionsUseTheLatestModelAndErrorsCarryTheRequestId(@TempDir Path dir) {
        String spec = "{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.05}}";
        ModelSpec ms = ModelSpecs.parse(spec);
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(ms));
            List<String> lines = java.util.stream.IntStream.range(0, 50).mapToObj(TopologyTest::event).toList();
            for (String l : lines) {
                h.event("m", l);
            }
            h.request("m", "{\"id\":\"r1\",\"features\":[0.5,-0.25]}");
            h.event("m", event(50));
            h.request("m", "{\"id\":\"r2\",\"features\":[0.5,-0.25]}");
            h.request("nope", "{\"id\":\"r3\",\"features\":[0.5,-0.25]}");
            h.request("m", "{\"id\":\"r4\",\"features\":[0.5]}");
            h.request("m", "{\"id\":\"r5\",\"features\":[0.5,\"x\"]}");
            List<TestRecord<String, JsonNode>> out = drain(h.predictions);
            assertThat(out).hasSize(5);
            OnlineLearner core = core(ms, lines);
            double expected1 = core.predict(new double[] {0.5, -0.25}).value();
            assertThat(out.get(0).value().get("id").asText()).isEqualTo("r1");
            assertThat(out.get(0).value().get("prediction").doubleValue()).isEqualTo(expected1);
            assertThat(out.get(0).value().get("modelVersion").asLong()).isEqualTo(51);
            assertThat(out.get(1).value().get("modelVersion").asLong()).isEqualTo(52);
            assertThat(out.get(1).value().get("prediction").doubleValue()).isNotEqualTo(expected1);
            assertThat(out.get(2).value().get("id").asText()).isEqualTo("r3");
            assertThat(out.get(2).value().get("error").get("reason").asText()).contains("unknown model 'nope'");
            assertThat(out.get(3).value().get("error").get("field").asText()).isEqualTo("features");
            assertThat(out.get(3).value().get("id").asText()).isEqualTo("r4");
            assertThat(out.get(4).value().get("error").get("field").asText()).isEqualTo("features[1]");
        }
    }

    @Test
    void manyModelsOnOnePartitionStayIndependent(@TempDir Path dir) {
        ModelSpec a = ModelSpecs.parse("{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"adam\"}}");
        ModelSpec b = ModelSpecs.parse("{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"sgd\","
                + "\"learningRate\":0.1},\"standardize\":false}");
        List<String> la = java.util.stream.IntStream.range(0, 120).mapToObj(TopologyTest::event).toList();
        List<String> lb = java.util.stream.IntStream.range(500, 590).mapToObj(TopologyTest::event).toList();
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("a", ModelSpecs.toJson(a));
            h.upsert("b", ModelSpecs.toJson(b));
            for (int i = 0; i < 120; i++) {
                h.event("a", la.get(i));
                if (i < 90) {
                    h.event("b", lb.get(i));
                }
                if (i % 10 == 0) {
                    h.event("c", event(i)); // created from the default spec with the event's dimension
                }
            }
            h.command("a", "{\"command\":\"publish\"}");
            h.command("b", "{\"command\":\"publish\"}");
            h.command("c", "{\"command\":\"publish\"}");
            List<TestRecord<String, JsonNode>> snaps = drain(h.parameters);
            assertSameBits(last(snaps, "a").get("weights"), core(a, la).state().params(), 0, "a");
            assertSameBits(last(snaps, "b").get("weights"), core(b, lb).state().params(), 0, "b");
            JsonNode c = last(snaps, "c");
            assertThat(c.get("seen").asLong()).isEqualTo(12);
            assertThat(c.get("spec").get("features").asInt()).isEqualTo(2);
            assertThat(c.get("spec").get("optimizer").get("type").asText()).isEqualTo("sgd");
        }
    }

    @Test
    void resetAndDeleteAndSpecChanges(@TempDir Path dir) {
        ModelSpec a = ModelSpecs.parse("{\"task\":\"regression\",\"features\":2}");
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("a", ModelSpecs.toJson(a));
            for (int i = 0; i < 30; i++) {
                h.event("a", event(i));
            }
            h.upsert("a", ModelSpecs.toJson(ModelSpecs.parse("{\"task\":\"regression\",\"features\":2,"
                    + "\"optimizer\":{\"type\":\"adam\"}}")));
            JsonNode kept = last(drain(h.parameters), "a");
            assertThat(kept.get("seen").asLong()).isEqualTo(30);
            assertThat(kept.get("optimizer").get("type").asText()).isEqualTo("adam");
            h.upsert("a", ModelSpecs.toJson(ModelSpecs.parse("{\"task\":\"regression\",\"features\":3}")));
            JsonNode fresh = last(drain(h.parameters), "a");
            assertThat(fresh.get("seen").asLong()).isZero();
            assertThat(fresh.get("version").asLong()).isGreaterThan(kept.get("version").asLong());
            h.event("a", "{\"features\":[1,2,3],\"label\":1}");
            h.command("a", "{\"command\":\"reset\"}");
            JsonNode reset = last(drain(h.parameters), "a");
            assertThat(reset.get("seen").asLong()).isZero();
            h.command("a", "{\"command\":\"delete\"}");
            List<TestRecord<String, JsonNode>> del = drain(h.parameters);
            assertThat(del).hasSize(1);
            assertThat(del.get(0).value()).isNull();
            h.request("a", "{\"id\":\"x\",\"features\":[1,2,3]}");
            assertThat(drain(h.predictions).get(0).value().get("error").get("reason").asText())
                    .contains("unknown model");
        }
    }

    /** Model {@code id} as {@code store} keeps it, with its spec. */
    private static ModelState stored(ModelStore store, String id) {
        return BinaryStateCodec.decode(store.selfContained(id, store.storedBytes(id)));
    }
}
