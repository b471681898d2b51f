package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.streamlearn.app.backtest.BacktestRun;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * Delayed labels for models with drift detection and challengers (DESIGN.md "Delayed labels", "Drift
 * detection"), on TopologyTestDriver over the reference drift stream: predictions with ids, each label N events
 * later; the live model (every candidate, the detector, the champion) and its {@code model-events} records equal
 * {@code backtest --label-delay N} bit for bit.
 */
class DelayedLabelsDriftTopologyTest {

    @TempDir
    Path state;

    @ParameterizedTest(name = "delay {0}")
    @ValueSource(ints = {0, 1, 100})
    void theLiveModelWithDriftAndChallengersEqualsTheBacktest(int delay) throws IOException {
        List<String> lines = Files.readAllLines(Reference.folder().resolve("data/drift.jsonl"));
        Map<String, ModelSpec> specs = new LinkedHashMap<>();
        for (Map.Entry<String, ModelSpec> s : DriftTopologyTest.SPECS.entrySet()) {
            if (s.getValue().drift() != null || !s.getValue().challengers().isEmpty()) {
                specs.put(s.getKey(), ModelSpecs.fromTree(DelayedLabelsTopologyTest.withFeedback(
                        ModelSpecs.toJson(s.getValue()), "{\"ttlMs\": 100000000}")));
            }
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(TopologyHarness.JSON.readTree(line));
        }
        long[] clock = {1000};
        try (TopologyHarness h = new TopologyHarness(state)) {
            for (Map.Entry<String, ModelSpec> s : specs.entrySet()) {
                pipe(h.commands, s.getKey(), DelayedLabelsTopologyTest.upsert(ModelSpecs.toJson(s.getValue())), clock);
            }
            for (int t = 0; t < events.size(); t++) {
                for (String id : specs.keySet()) {
                    pipe(h.requests, id, DelayedLabelsTopologyTest.request("e" + t, events.get(t)), clock);
                    if (t >= delay) {
                        pipe(h.labels, id, DelayedLabelsTopologyTest.label("e" + (t - delay), events.get(t - delay)),
                                clock);
                    }
                }
            }
            for (int t = Math.max(0, events.size() - delay); t < events.size(); t++) {
                for (String id : specs.keySet()) {
                    pipe(h.labels, id, DelayedLabelsTopologyTest.label("e" + t, events.get(t)), clock);
                }
            }
            for (String id : specs.keySet()) {
                pipe(h.commands, id, TopologyHarness.JSON.readTree("{\"command\":\"publish\"}"), clock);
            }
            assertThat(TopologyHarness.drain(h.deadLetter)).isEmpty();
            List<TestRecord<String, JsonNode>> snapshots = TopologyHarness.drain(h.parameters);
            List<TestRecord<String, JsonNode>> modelEvents = TopologyHarness.drain(h.modelEvents);
            int compared = 0;
            for (Map.Entry<String, ModelSpec> s : specs.entrySet()) {
                String id = s.getKey();
                BacktestRun run = new BacktestRun(id, s.getValue(), delay);
                for (int i = 0; i < lines.size(); i++) {
                    run.learn(EventParser.parseTraining(lines.get(i)), i + 1);
                }
                run.finish(lines.size());
                ObjectNode live = ((ObjectNode) TopologyHarness.last(snapshots, id)).deepCopy();
                ObjectNode backtest = ((ObjectNode) run.summary().get("model")).deepCopy();
                live.remove("updatedAtMs");
                backtest.remove("updatedAtMs");
                assertThat(live.get("seen").asLong()).as(id).isEqualTo(lines.size());
                // the live model was created by an upsert, which counts as a version; the backtest's was not
                assertThat(live.remove("version").asLong()).as(id).isEqualTo(backtest.remove("version").asLong() + 1);
                assertThat(live.toString().equals(backtest.toString())).as(id + ": live snapshot equals backtest")
                        .isTrue();
                List<String> liveEvents = new ArrayList<>();
                for (TestRecord<String, JsonNode> r : modelEvents) {
                    if (r.key().equals(id)) {
                        liveEvents.add(comparable(r.value(), 1));
                    }
                }
                List<String> expected = new ArrayList<>();
                run.modelEvents().forEach(e -> expected.add(comparable(e, 0)));
                assertThat(liveEvents).as(id).isEqualTo(expected);
                compared += expected.size();
            }
            // the comparison covers drifts, resets and promotions, not only the learning
            assertThat(compared).isPositive();
            assertThat(modelEvents).extracting(r -> r.value().get("type").asText()).contains("drift", "promotion");
        }
    }

    /** A {@code model-events} record without its time, its model version less {@code upserts}. */
    private static String comparable(JsonNode event, int upserts) {
        ObjectNode o = event.deepCopy();
        o.remove("atMs");
        o.put("modelVersion", o.get("modelVersion").asLong() - upserts);
        return o.toString();
    }

    private static void pipe(TestInputTopic<String, byte[]> topic, String key, JsonNode value, long[] clock) {
        topic.pipeInput(key, value.toString().getBytes(StandardCharsets.UTF_8),
                TopologyHarness.START.plusMillis(clock[0]++));
    }
}
