package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.streamlearn.app.streams.TopologyHarness.drain;
import static org.streamlearn.app.streams.TopologyHarness.last;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.app.backtest.BacktestRun;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * Delayed labels on TopologyTestDriver (DESIGN.md "Delayed labels"): predictions with ids, labels N events
 * later, the live model bit for bit equal to {@code backtest --label-delay N}; expiry; bad labels by reason.
 */
class DelayedLabelsTopologyTest {

    static Stream<Arguments> casesAndDelays() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : Reference.cases()) {
            for (int d : new int[] {0, 1, 100}) {
                out.add(Arguments.of(c.get("name").asText(), c, d));
            }
        }
        return out.stream();
    }

    /** Pipes timestamps explicitly, one millisecond apart, in pipe order across every topic. */
    private static final class Clock {
        long t;

        Instant next() {
            return TopologyHarness.START.plusMillis(1000 + t++);
        }
    }

    private static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ObjectNode request(String id, JsonNode event) {
        ObjectNode r = TopologyHarness.JSON.createObjectNode();
        r.put("id", id);
        r.set("features", event.get("features"));
        return r;
    }

    static ObjectNode label(String id, JsonNode event) {
        ObjectNode l = TopologyHarness.JSON.createObjectNode();
        l.put("id", id);
        l.set("label", event.get("label"));
        if (event.has("weight")) {
            l.set("weight", event.get("weight"));
        }
        return l;
    }

    static ObjectNode withFeedback(JsonNode spec, String feedback) throws IOException {
        ObjectNode s = spec.deepCopy();
        s.set("feedback", TopologyHarness.JSON.readTree(feedback));
        return s;
    }

    @ParameterizedTest(name = "{0} delay {2}")
    @MethodSource("casesAndDelays")
    void theLiveModelEqualsTheBacktestBitForBit(String name, JsonNode c, int delay, @TempDir Path dir)
            throws IOException {
        ObjectNode specJson = withFeedback(c.get("spec"), "{\"ttlMs\": 100000000}");
        ModelSpec spec = ModelSpecs.fromTree(specJson);
        List<String> lines = TopologyTest.lines(c);
        BacktestRun backtest = new BacktestRun(name, spec, delay);
        for (int i = 0; i < lines.size(); i++) {
            backtest.learn(EventParser.parseTraining(lines.get(i)), i + 1);
        }
        backtest.finish(lines.size());
        LearnerState expected = backtest.model().learned();
        if (delay == 0) {
            OnlineLearner core = TopologyTest.core(ModelSpecs.fromTree(c.get("spec")), lines);
            core.flush();
            assertThat(expected).isEqualTo(core.state());
        }
        Clock clock = new Clock();
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.commands.pipeInput(name, bytes(upsert(specJson)), clock.next());
            List<JsonNode> events = new ArrayList<>();
            for (String line : lines) {
                events.add(TopologyHarness.JSON.readTree(line));
            }
            for (int t = 0; t < events.size(); t++) {
                h.requests.pipeInput(name, bytes(request("e" + t, events.get(t))), clock.next());
                if (t >= delay) {
                    h.labels.pipeInput(name, bytes(label("e" + (t - delay), events.get(t - delay))), clock.next());
                }
            }
            for (int t = Math.max(0, events.size() - delay); t < events.size(); t++) {
                h.labels.pipeInput(name, bytes(label("e" + t, events.get(t))), clock.next());
            }
            h.commands.pipeInput(name, "{\"command\":\"flush\"}".getBytes(StandardCharsets.UTF_8), clock.next());
            assertThat(drain(h.deadLetter)).isEmpty();
            assertThat(drain(h.predictions)).hasSize(events.size());
            JsonNode snap = last(drain(h.parameters), name);
            assertThat(snap.get("seen").asLong()).isEqualTo(lines.size());
            double[] p = expected.params();
            int d = spec.dimension();
            if (spec.outputs() == 1) {
                TopologyTest.assertSameBits(snap.get("weights"), p, 0, "weights");
                assertThat(Double.doubleToLongBits(snap.get("intercept").doubleValue()))
                        .isEqualTo(Double.doubleToLongBits(p[d]));
            } else {
                for (int k = 0; k < spec.outputs(); k++) {
                    TopologyTest.assertSameBits(snap.get("weights").get(k), p, k * d, "weights[" + k + "]");
                }
                TopologyTest.assertSameBits(snap.get("intercept"), p, spec.outputs() * d, "intercept");
            }
            // the whole state, progressive metrics and rolling loss included, through the published snapshot
            LearnerState live = org.streamlearn.store.state.JsonStateCodec.fromJson(snap).learned();
            assertThat(live).isEqualTo(expected);
            JsonNode m = last(drain(h.metrics), name);
            assertThat(m.get("feedback").get("matched").asLong()).isEqualTo(lines.size());
            assertThat(m.get("feedback").get("pending").asLong()).isZero();
        }
    }

    static ObjectNode upsert(JsonNode spec) {
        ObjectNode cmd = TopologyHarness.JSON.createObjectNode();
        cmd.put("command", "upsert");
        cmd.set("spec", spec);
        return cmd;
    }

    private static final String BIN = "{\"task\":\"binary\",\"features\":2,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.1},\"publishEvery\":1}";

    private static void pipe(TopologyHarness h, org.apache.kafka.streams.TestInputTopic<String, byte[]> topic,
            String key, String json, long atMs) {
        topic.pipeInput(key, json.getBytes(StandardCharsets.UTF_8), TopologyHarness.START.plusMillis(atMs));
    }

    private static List<String> reasons(TopologyHarness h) {
        List<String> out = new ArrayList<>();
        for (TestRecord<String, JsonNode> r : drain(h.deadLetter)) {
            out.add(r.value().get("field").asText() + ": " + r.value().get("reason").asText());
        }
        return out;
    }

    @Test
    void badLabelsGoToTheDeadLetterTopicWithTheirReason(@TempDir Path dir) throws IOException {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            pipe(h, h.commands, "m", upsert(withFeedback(TopologyHarness.JSON.readTree(BIN),
                    "{\"ttlMs\": 1000}")).toString(), 0);
            pipe(h, h.requests, "m", "{\"id\":\"a\",\"features\":[1,2]}", 10);
            pipe(h, h.requests, "m", "{\"id\":\"b\",\"features\":[1,2]}", 20);
            pipe(h, h.labels, "m", "{\"id\":\"nope\",\"label\":1}", 30);
            pipe(h, h.labels, "m", "{\"id\":\"a\",\"label\":\"yes\"}", 40);
            pipe(h, h.labels, "m", "{\"id\":\"a\",\"label\":2}", 50);
            pipe(h, h.labels, "m", "{\"id\":\"a\",\"label\":1}", 60);
            pipe(h, h.labels, "m", "{\"id\":\"a\",\"label\":0}", 70);
            pipe(h, h.labels, "m", "{\"label\":0}", 80);
            pipe(h, h.labels, "zz", "{\"id\":\"a\",\"label\":0}", 90);
            pipe(h, h.labels, "m", "{\"id\":\"b\",\"label\":1}", 2000); // b expired at 20 + 1000
            List<String> r = reasons(h);
            assertThat(r).hasSize(7);
            assertThat(r.get(0)).startsWith("id: id: unknown id 'nope'");
            assertThat(r.get(1)).startsWith("label: label: must be a number for task binary");
            assertThat(r.get(2)).isEqualTo("label: label: a binary label must be 0 or 1, got 2.0");
            assertThat(r.get(3)).isEqualTo("id: id: 'a' is already labelled");
            assertThat(r.get(4)).isEqualTo("id: id: missing");
            assertThat(r.get(5)).startsWith("model: model: unknown model 'zz'");
            assertThat(r.get(6)).startsWith("id: id: 'b' expired");
            JsonNode snap = last(drain(h.parameters), "m");
            assertThat(snap.get("seen").asLong()).isEqualTo(1);
            pipe(h, h.commands, "m", "{\"command\":\"publish\"}", 2001);
            JsonNode f = last(drain(h.metrics), "m").get("feedback");
            assertThat(f.get("matched").asLong()).isEqualTo(1);
            assertThat(f.get("unknown").asLong()).isEqualTo(1);
            assertThat(f.get("rejected").asLong()).isEqualTo(6);
            assertThat(f.get("expired").asLong()).isEqualTo(1);
            assertThat(f.get("pending").asLong()).isZero();
        }
    }

    @Test
    void expiredPredictionsAreDroppedOrLearnedWithTheDefaultLabel(@TempDir Path dir) throws IOException {
        for (String onExpiry : new String[] {"\"drop\"", "{\"label\": 0}"}) {
            try (TopologyHarness h = new TopologyHarness(dir.resolve(onExpiry.length() + ""))) {
                pipe(h, h.commands, "m", upsert(withFeedback(TopologyHarness.JSON.readTree(BIN),
                        "{\"ttlMs\": 1000, \"onExpiry\": " + onExpiry + "}")).toString(), 0);
                for (int i = 0; i < 5; i++) {
                    pipe(h, h.requests, "m", "{\"id\":\"p" + i + "\",\"features\":[" + i + ",1]}", 10 + i);
                }
                pipe(h, h.labels, "m", "{\"id\":\"p0\",\"label\":1}", 500);
                // stream time passes 1013: p1..p3 expire (p4 expires when it passes 1014)
                pipe(h, h.requests, "m", "{\"features\":[0,0]}", 1014);
                JsonNode snap = last(drain(h.parameters), "m");
                boolean drop = onExpiry.contains("drop");
                assertThat(snap.get("seen").asLong()).isEqualTo(drop ? 1 : 4);
                // p0 was labelled 1 (the intercept rises); p1..p3 learned with the default label 0 pull it below zero
                double intercept = snap.get("intercept").asDouble();
                if (drop) {
                    assertThat(intercept).as(onExpiry).isPositive();
                } else {
                    assertThat(intercept).as(onExpiry).isNegative();
                }
                pipe(h, h.requests, "m", "{\"features\":[0,0]}", 5000);
                h.commands.pipeInput("m", "{\"command\":\"publish\"}".getBytes(StandardCharsets.UTF_8),
                        TopologyHarness.START.plusMillis(5001));
                JsonNode m = last(drain(h.metrics), "m");
                assertThat(m.get("feedback").get("expired").asLong()).isEqualTo(4);
                assertThat(m.get("feedback").get("matched").asLong()).isEqualTo(1);
                assertThat(m.get("feedback").get("pending").asLong()).isZero();
                assertThat(last(drain(h.parameters), "m").get("seen").asLong()).isEqualTo(drop ? 1 : 5);
                assertThat(drain(h.deadLetter)).isEmpty();
            }
        }
    }

    @Test
    void labelDelayQuantilesAndTheLossOfServedPredictionsArePublished(@TempDir Path dir) throws IOException {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            pipe(h, h.commands, "m", upsert(withFeedback(TopologyHarness.JSON.readTree(BIN),
                    "{\"ttlMs\": 100000}")).toString(), 0);
            long[] delays = {0, 5, 20, 100, 1000, 7, 3, 64000, 250, 40};
            for (int i = 0; i < delays.length; i++) {
                pipe(h, h.requests, "m", "{\"id\":\"p" + i + "\",\"features\":[" + (i + 1) + ",1]}", 10);
            }
            // every prediction was served by the fresh model (p = 0.5); labels come later, in delay order, and
            // each one moves the model, so the progressive loss of the model as it is now would not be ln 2
            Integer[] order = new Integer[delays.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Long.compare(delays[a], delays[b]));
            for (int i : order) {
                pipe(h, h.labels, "m", "{\"id\":\"p" + i + "\",\"label\":" + (i % 2) + "}", 10 + delays[i]);
            }
            assertThat(last(drain(h.parameters), "m").get("seen").asLong()).isEqualTo(delays.length);
            pipe(h, h.commands, "m", "{\"command\":\"publish\"}", 70_000);
            JsonNode f = last(drain(h.metrics), "m").get("feedback");
            long[] sorted = delays.clone();
            java.util.Arrays.sort(sorted);
            // nearest rank: p50 is the 5th of 10, p99 the 10th
            assertThat(f.get("delayP50Ms").asDouble()).isCloseTo(sorted[4],
                    org.assertj.core.data.Offset.offset(sorted[4] * LabelDelays.RELATIVE_ERROR));
            assertThat(f.get("delayP99Ms").asDouble()).isCloseTo(sorted[9],
                    org.assertj.core.data.Offset.offset(sorted[9] * LabelDelays.RELATIVE_ERROR));
            assertThat(f.get("meanDelayMs").asDouble()).isEqualTo(java.util.Arrays.stream(delays).sum() / 10.0);
            assertThat(f.get("servedScored").asLong()).isEqualTo(delays.length);
            assertThat(f.get("servedLoss").asDouble()).isCloseTo(Math.log(2),
                    org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void pastMaxPendingPredictionsAreServedButNotRemembered(@TempDir Path dir) throws IOException {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            pipe(h, h.commands, "m", upsert(withFeedback(TopologyHarness.JSON.readTree(BIN),
                    "{\"maxPending\": 2}")).toString(), 0);
            for (int i = 0; i < 4; i++) {
                pipe(h, h.requests, "m", "{\"id\":\"p" + i + "\",\"features\":[" + i + ",1]}", 10 + i);
            }
            assertThat(drain(h.predictions)).hasSize(4);
            pipe(h, h.labels, "m", "{\"id\":\"p3\",\"label\":1}", 100);
            pipe(h, h.commands, "m", "{\"command\":\"publish\"}", 101);
            JsonNode f = last(drain(h.metrics), "m").get("feedback");
            assertThat(f.get("pending").asLong()).isEqualTo(2);
            assertThat(f.get("notRemembered").asLong()).isEqualTo(2);
            assertThat(reasons(h)).singleElement().asString().startsWith("id: id: unknown id 'p3'");
        }
    }

    @Test
    void aPredictionLoggedByTheHttpApiIsRememberedAndMatched(@TempDir Path dir) throws IOException {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            pipe(h, h.commands, "m", upsert(withFeedback(TopologyHarness.JSON.readTree(BIN), "{}")).toString(), 0);
            pipe(h, h.predictionLog, "m", "{\"id\":\"h1\",\"model\":\"m\",\"features\":[1,2],\"prediction\":0,"
                    + "\"scores\":[0.0],\"modelVersion\":1,\"servedAtMs\":5}", 10);
            pipe(h, h.predictionLog, "m", "{\"id\":\"h2\",\"model\":\"m\",\"features\":[1,2,3],\"prediction\":0,"
                    + "\"scores\":[0.0],\"modelVersion\":1,\"servedAtMs\":5}", 11);
            pipe(h, h.labels, "m", "{\"id\":\"h1\",\"label\":true}", 20);
            List<String> r = reasons(h);
            assertThat(r).singleElement().asString().startsWith("features: features: expected 2 values");
            assertThat(last(drain(h.parameters), "m").get("seen").asLong()).isEqualTo(1);
        }
    }
}
