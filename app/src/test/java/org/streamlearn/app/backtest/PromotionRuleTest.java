package org.streamlearn.app.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * The promotion rule's numbers (DESIGN.md "Challengers"), on the reference drift stream where an Adam challenger
 * beats a slow SGD champion: the first check is the first multiple of {@code checkEvery} events at or past
 * {@code minEvents}; {@code margin} is relative ({@code loss < championLoss·(1 − margin)}), so a margin just
 * above the challenger's measured improvement holds the promotion back and one just below lets it through.
 */
class PromotionRuleTest {

    private static List<String> lines;

    @BeforeAll
    static void load() throws IOException {
        lines = Files.readAllLines(Reference.folder().resolve("data/drift.jsonl"));
    }

    /** The promotion records of the spec with this rule, over the reference drift stream. */
    private static List<JsonNode> promotions(long minEvents, double margin, long checkEvery) {
        List<JsonNode> out = events(minEvents, margin, checkEvery, "");
        assertThat(out).allSatisfy(e -> assertThat(e.get("type").asText()).isEqualTo("promotion"));
        return out;
    }

    /** The model-events records of the spec with this rule and {@code extra} fields. */
    private static List<JsonNode> events(long minEvents, double margin, long checkEvery, String extra) {
        BacktestRun run = new BacktestRun("m", ModelSpecs.parse("{\"task\":\"regression\",\"features\":3,"
                + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.001},\"metrics\":{\"window\":50,"
                + "\"ewmaAlpha\":0.05},\"challengers\":[{\"name\":\"adam\",\"spec\":{\"optimizer\":{\"type\":\"adam\","
                + "\"learningRate\":0.1}}}],\"promotion\":{\"minEvents\":" + minEvents + ",\"margin\":" + margin
                + ",\"checkEvery\":" + checkEvery + "}" + extra + "}"));
        long n = 0;
        for (String line : lines) {
            run.learn(EventParser.parseTraining(line), ++n);
        }
        List<JsonNode> out = new ArrayList<>();
        run.modelEvents().forEach(out::add);
        return out;
    }

    @Test
    void theFirstCheckIsTheFirstMultipleOfCheckEveryPastMinEvents() {
        assertThat(promotions(100, 0.02, 50).get(0).get("seen").asLong()).isEqualTo(100);
        assertThat(promotions(130, 0.02, 50).get(0).get("seen").asLong()).isEqualTo(150);
        assertThat(promotions(100, 0.02, 30).get(0).get("seen").asLong()).isEqualTo(120);
        assertThat(promotions(1000, 0.02, 50)).isEmpty(); // 600 events never reach minEvents
    }

    @Test
    void theMarginIsRelativeToTheChampionsWindowLoss() {
        JsonNode first = promotions(100, 0.0, 50).get(0);
        assertThat(first.get("seen").asLong()).isEqualTo(100);
        assertThat(first.get("previous").asText()).isEqualTo("main");
        double improvement = 1 - first.get("after").asDouble() / first.get("before").asDouble();
        assertThat(improvement).isBetween(0.01, 0.99);
        assertThat(promotions(100, improvement * 0.999, 50).get(0).get("seen").asLong()).isEqualTo(100);
        List<JsonNode> held = promotions(100, Math.min(0.999, improvement * 1.001), 50);
        assertThat(held).allSatisfy(p -> assertThat(p.get("seen").asLong()).isNotEqualTo(100));
    }

    /**
     * After a change the count starts again: a drift reset of the champion is a change (here at event 60, where
     * the rule's first check would have promoted Adam), and the promotion waits {@code minEvents} after it, on a
     * multiple of {@code checkEvery} counted from it (event 120); so does every promotion.
     */
    @Test
    void everyPromotionComesOnACheckPastMinEventsSinceTheLastChange() {
        List<JsonNode> all = events(60, 0.0, 20, ",\"drift\":{\"detector\":\"page_hinkley\",\"signal\":\"loss\","
                + "\"threshold\":20,\"action\":\"reset\"}");
        System.out.println("minEvents 60, margin 0, checkEvery 20, drift reset: " + all);
        long last = 0;
        int promotions = 0;
        boolean lastWasDrift = false;
        boolean afterADrift = false;
        for (JsonNode e : all) {
            long seen = e.get("seen").asLong();
            boolean promotion = e.get("type").asText().equals("promotion");
            if (promotion) {
                assertThat(seen - last).as(all.toString()).isGreaterThanOrEqualTo(60);
                assertThat((seen - last) % 20).as(all.toString()).isZero();
                afterADrift |= lastWasDrift;
                promotions++;
            }
            last = seen;
            lastWasDrift = !promotion;
        }
        assertThat(promotions).as(all.toString()).isPositive();
        assertThat(afterADrift).as("a promotion counted from a drift reset: " + all).isTrue();
    }
}
