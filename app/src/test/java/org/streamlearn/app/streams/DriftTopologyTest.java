package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.backtest.BacktestRun;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * Drift detection on the live topology, over the reference drift stream ({@code testdata/reference}, 600
 * events, the concept changing after event 300): {@code reset} lowers the progressive loss after the drift
 * compared with no detector, {@code alert} only reports, and the live run equals {@code streamlearn backtest}'s
 * run of the same events bit for bit (parameters, detector state, the {@code model-events} records).
 */
class DriftTopologyTest {

    private static final String BASE = "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02},\"publishEvery\":50";
    static final Map<String, ModelSpec> SPECS = new LinkedHashMap<>();
    private static List<String> lines;

    static {
        SPECS.put("none", ModelSpecs.parse(BASE + "}"));
        SPECS.put("reset", ModelSpecs.parse(BASE + ",\"drift\":{\"detector\":\"page_hinkley\",\"signal\":\"loss\","
                + "\"action\":\"reset\"}}"));
        SPECS.put("alert", ModelSpecs.parse(BASE + ",\"drift\":{\"detector\":\"page_hinkley\",\"signal\":\"loss\"}}"));
        String slow = "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.001},"
                + "\"metrics\":{\"window\":50,\"ewmaAlpha\":0.05},\"challengers\":[{\"name\":\"adam\",\"spec\":"
                + "{\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.1}}},{\"name\":\"tiny\",\"spec\":"
                + "{\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.0001}}}]";
        SPECS.put("challengers", ModelSpecs.parse(slow + ",\"promotion\":{\"minEvents\":100,\"margin\":0.02,"
                + "\"checkEvery\":50}}"));
        SPECS.put("promote-on-drift", ModelSpecs.parse(slow + ",\"promotion\":{\"minEvents\":100000,"
                + "\"checkEvery\":1000},\"drift\":{\"detector\":\"page_hinkley\",\"signal\":\"loss\","
                + "\"threshold\":20,\"action\":\"promote\"}}"));
        SPECS.put("adwin-loss", ModelSpecs.parse(BASE + ",\"drift\":{\"detector\":\"adwin\",\"signal\":\"loss\","
                + "\"action\":\"reset\"}}"));
    }

    @TempDir
    Path state;

    @BeforeAll
    static void load() throws IOException {
        lines = Files.readAllLines(Reference.folder().resolve("data/drift.jsonl"));
        assertThat(lines).hasSize(600);
    }

    /** Features of the prediction request sent to every model after the stream. */
    private static final double[] ASKED = {0.5, -1.25, 2.0};

    /**
     * What the live run published: the metrics after event 300 and after 600, the final snapshot, the events,
     * and the prediction of {@link #ASKED} by each model after the stream.
     */
    private record Live(Map<String, JsonNode> at300, Map<String, JsonNode> at600, Map<String, JsonNode> models,
            List<TestRecord<String, JsonNode>> events, Map<String, JsonNode> predictions) {
    }

    private Live live() {
        try (TopologyHarness h = new TopologyHarness(state, SPECS, 1_000_000, 0)) {
            Map<String, JsonNode> at300 = new LinkedHashMap<>();
            Map<String, JsonNode> at600 = new LinkedHashMap<>();
            for (int half = 0; half < 2; half++) {
                for (String line : lines.subList(300 * half, 300 * half + 300)) {
                    for (String id : SPECS.keySet()) {
                        h.event(id, line);
                    }
                }
                for (String id : SPECS.keySet()) {
                    h.command(id, "{\"command\":\"publish\"}");
                }
                var metrics = TopologyHarness.drain(h.metrics);
                for (String id : SPECS.keySet()) {
                    (half == 0 ? at300 : at600).put(id, TopologyHarness.last(metrics, id));
                }
            }
            var params = TopologyHarness.drain(h.parameters);
            Map<String, JsonNode> models = new LinkedHashMap<>();
            for (String id : SPECS.keySet()) {
                models.put(id, TopologyHarness.last(params, id));
                h.request(id, "{\"id\":\"ask\",\"features\":" + java.util.Arrays.toString(ASKED) + "}");
            }
            var served = TopologyHarness.drain(h.predictions);
            Map<String, JsonNode> predictions = new LinkedHashMap<>();
            for (String id : SPECS.keySet()) {
                predictions.put(id, TopologyHarness.last(served, id));
            }
            assertThat(TopologyHarness.drain(h.deadLetter)).isEmpty();
            return new Live(at300, at600, models, TopologyHarness.drain(h.modelEvents), predictions);
        }
    }

    private static List<JsonNode> eventsOf(Live live, String id) {
        List<JsonNode> out = new ArrayList<>();
        for (TestRecord<String, JsonNode> r : live.events()) {
            if (r.key().equals(id)) {
                out.add(r.value());
            }
        }
        return out;
    }

    /** Mean squared error of the progressive predictions of events 301..600. */
    private static double mseAfterDrift(Live live, String id) {
        double m300 = live.at300().get(id).get("metric").get("mse").asDouble();
        double m600 = live.at600().get(id).get("metric").get("mse").asDouble();
        return (m600 * 600 - m300 * 300) / 300;
    }

    @Test
    void resetLowersTheLossAfterTheDriftAndAlertOnlyReports() {
        Live live = live();
        List<JsonNode> reset = eventsOf(live, "reset");
        List<JsonNode> alert = eventsOf(live, "alert");
        assertThat(eventsOf(live, "none")).isEmpty();
        assertThat(reset).isNotEmpty();
        JsonNode first = reset.get(0);
        assertThat(first.get("type").asText()).isEqualTo("drift");
        assertThat(first.get("detector").asText()).isEqualTo("page_hinkley");
        assertThat(first.get("seen").asLong()).isBetween(301L, 340L);
        assertThat(first.get("before").isNull()).isTrue(); // Page-Hinkley does not locate the change
        assertThat(first.get("after").isNull()).isTrue();
        assertThat(first.fieldNames()).toIterable().containsExactly("model", "type", "detector", "signal", "action",
                "seen", "modelVersion", "before", "after", "atMs");
        assertThat(first.get("model").asText()).isEqualTo("reset");
        assertThat(first.get("action").asText()).isEqualTo("reset");
        // ADWIN locates a change (either way: the loss falls as the model learns, and rises at the concept's
        // change): before and after are the loss's means either side, numbers; higher after the concept changed
        List<JsonNode> adwin = eventsOf(live, "adwin-loss");
        assertThat(adwin).as(adwin.toString()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.get("detector").asText()).isEqualTo("adwin");
            assertThat(e.get("before").isNumber() && e.get("after").isNumber()).isTrue();
            assertThat(e.get("after").asDouble()).isNotEqualTo(e.get("before").asDouble());
        });
        assertThat(adwin).as(adwin.toString()).anySatisfy(e -> {
            assertThat(e.get("seen").asLong()).isBetween(301L, 400L);
            assertThat(e.get("after").asDouble()).isGreaterThan(e.get("before").asDouble());
        });
        System.out.println("adwin-loss drifts: " + adwin);
        assertThat(alert.get(0).get("seen")).isEqualTo(first.get("seen"));
        double none = mseAfterDrift(live, "none");
        double withReset = mseAfterDrift(live, "reset");
        double withAlert = mseAfterDrift(live, "alert");
        assertThat(withAlert).isEqualTo(none); // alert changes nothing
        assertThat(withReset).isLessThan(none);
        assertThat(live.models().get("alert").get("weights")).isEqualTo(live.models().get("none").get("weights"));
        assertThat(live.at600().get("reset").get("drifts").asLong()).isEqualTo(reset.size());
        assertThat(live.at600().get("reset").get("seen").asLong()).isEqualTo(600); // evaluation continues
        for (String id : List.of("reset", "alert", "adwin-loss", "promote-on-drift")) { // one value per event
            assertThat(live.models().get(id).get("drift").get("seen").asLong()).as(id).isEqualTo(600);
        }
        System.out.printf("progressive MSE after the drift: none %.5f, reset %.5f (drifts at %s)%n", none, withReset,
                reset.stream().map(e -> e.get("seen").asText()).toList());
    }

    @Test
    void aChallengerWithABetterSuitedOptimizerIsPromoted() {
        Live live = live();
        List<JsonNode> events = eventsOf(live, "challengers");
        assertThat(events).isNotEmpty();
        JsonNode first = events.get(0);
        assertThat(first.get("type").asText()).isEqualTo("promotion");
        assertThat(first.get("champion").asText()).isEqualTo("adam");
        assertThat(first.get("previous").asText()).isEqualTo("main");
        assertThat(first.get("reason").asText()).isEqualTo("rule");
        assertThat(first.get("seen").asLong()).isEqualTo(100); // the first check once minEvents have passed
        assertThat(first.get("after").asDouble()).isLessThan(first.get("before").asDouble() * 0.98);
        JsonNode model = live.models().get("challengers");
        assertThat(model.get("champion").asText()).isEqualTo("adam");
        assertThat(model.get("optimizer").get("type").asText()).isEqualTo("adam");
        assertThat(model.get("challengers").findValuesAsText("name")).containsExactly("main", "tiny");
        // the prediction is the champion's (adam's), not main's, which is now a challenger
        ModelState decoded = JsonStateCodec.fromJson(model);
        assertThat(decoded.championName()).isEqualTo("adam");
        double champion = decoded.learner().predict(ASKED).value();
        double main = decoded.candidate(0).predict(ASKED).value();
        assertThat(main).isNotEqualTo(champion);
        JsonNode p = live.predictions().get("challengers");
        assertThat(p.get("prediction").asDouble()).isEqualTo(champion);
        assertThat(p.get("modelVersion").asLong()).isEqualTo(model.get("version").asLong());
        // promote on drift: no promotion by the rule (minEvents not reached), one at the first detection
        List<JsonNode> onDrift = eventsOf(live, "promote-on-drift");
        assertThat(onDrift).extracting(e -> e.get("type").asText()).startsWith("drift", "promotion");
        assertThat(onDrift.get(1).get("reason").asText()).isEqualTo("drift");
        assertThat(onDrift.get(1).get("seen")).isEqualTo(onDrift.get(0).get("seen"));
    }

    @Test
    void theLiveRunEqualsTheBacktestBitForBit() {
        Live live = live();
        for (Map.Entry<String, ModelSpec> s : SPECS.entrySet()) {
            String id = s.getKey();
            BacktestRun run = new BacktestRun(id, s.getValue());
            long n = 0;
            for (String line : lines) {
                ParsedEvent e = EventParser.parseTraining(line);
                run.learn(e, ++n);
            }
            ObjectNode backtest = (ObjectNode) run.summary().get("model");
            ObjectNode served = ((ObjectNode) live.models().get(id)).deepCopy();
            backtest.remove("updatedAtMs");
            served.remove("updatedAtMs");
            assertThat(served.toString().equals(backtest.toString())).as(id + ": live snapshot equals backtest")
                    .isTrue();
            List<JsonNode> liveEvents = eventsOf(live, id);
            assertThat(run.modelEvents()).as(id).hasSameSizeAs(liveEvents);
            for (int i = 0; i < liveEvents.size(); i++) {
                ObjectNode a = ((ObjectNode) liveEvents.get(i)).deepCopy();
                ObjectNode b = ((ObjectNode) run.modelEvents().get(i)).deepCopy();
                a.remove("atMs");
                b.remove("atMs");
                assertThat(a.toString()).as(id + " event " + i).isEqualTo(b.toString());
            }
        }
    }
}
