package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.ModelState;

/**
 * The lifecycle's drift and challenger paths without a broker: a step in the label is a drift record, then a
 * reset of the champion and its snapshot; an upsert keeps the challengers whose spec is unchanged; a reset
 * command restarts every candidate with {@code main} as champion.
 */
class ModelLifecycleDriftTest extends LifecycleFixture {

    private static final String DRIFT = "{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.05},\"publishEvery\":1000,\"drift\":{\"detector\":\"page_hinkley\",\"signal\":"
            + "\"loss\",\"threshold\":5,\"action\":\"reset\"}}";
    private static final String CHALLENGED = "{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":"
            + "\"sgd\",\"learningRate\":0.001},\"metrics\":{\"window\":20,\"ewmaAlpha\":0.1},\"publishEvery\":1000,"
            + "\"challengers\":[{\"name\":\"adam\",\"spec\":{\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.1}}}],"
            + "\"promotion\":{\"minEvents\":40,\"margin\":0.02,\"checkEvery\":20}}";

    /** {@code y = 2x0 − x1 + 1} for the first {@code shift} events, {@code y = −2x0 + 3x1 + 6} after. */
    private static List<String> stream(int n, int shift) {
        List<String> out = new ArrayList<>();
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            double y = i < shift ? 2 * a - b + 1 : -2 * a + 3 * b + 6;
            out.add("{\"features\":[" + a + "," + b + "],\"label\":" + y + "}");
        }
        return out;
    }

    @Test
    void aDriftIsARecordThenAResetOfTheChampionAndItsSnapshot() {
        ModelLifecycle l = lifecycle(Map.of("m", ModelSpecs.parse(DRIFT)), 1_000_000);
        List<Entry> all = learnAll(l, "m", stream(400, 200), 0);
        List<Entry> drifts = all.stream().filter(e -> e.kind() == Emissions.Kind.MODEL_EVENT).toList();
        assertThat(drifts).isNotEmpty();
        Entry d = drifts.get(0);
        assertThat(d.field()).isEqualTo("drift");
        assertThat(d.value().get("seen").asLong()).isBetween(201L, 230L);
        int at = all.indexOf(d);
        Entry next = all.get(at + 1);
        assertThat(next.kind()).isEqualTo(Emissions.Kind.PARAMETERS);
        assertThat(next.value().get("updates").asLong()).isZero(); // restarted from zero with its spec
        assertThat(next.value().get("seen").asLong()).isEqualTo(d.value().get("seen").asLong()); // evaluation goes on
        assertThat(next.value().get("drift").get("detections").asLong()).isEqualTo(1);
        assertThat(next.value().get("version").asLong()).isEqualTo(d.value().get("modelVersion").asLong() + 1);
    }

    @Test
    void upsertKeepsUnchangedChallengersAndResetRestartsEveryCandidate() {
        ModelLifecycle l = lifecycle(Map.of("m", ModelSpecs.parse(CHALLENGED)), 1_000_000);
        List<Entry> all = learnAll(l, "m", stream(100, 1000), 0);
        assertThat(all).anySatisfy(e -> assertThat(e.field()).isEqualTo("promotion"));
        ModelState s = models.model("m").state();
        assertThat(s.championName()).isEqualTo("adam");
        double[] adam = s.candidate(1).state().params().clone();
        // a changed publishEvery: main keeps what it learned, adam is unchanged and stays champion
        l.onCommand("m", upsert(CHALLENGED.replace("\"publishEvery\":1000", "\"publishEvery\":500")), 200);
        s = models.model("m").state();
        assertThat(s.championName()).isEqualTo("adam");
        assertThat(s.candidate(1).state().params()).isEqualTo(adam);
        // a changed challenger starts fresh, and main is champion again
        l.onCommand("m", upsert(CHALLENGED.replace("\"learningRate\":0.1", "\"learningRate\":0.2")), 201);
        s = models.model("m").state();
        assertThat(s.championName()).isEqualTo("main");
        assertThat(s.candidate(1).state().seen()).isZero();
        assertThat(s.candidate(0).state().seen()).isEqualTo(100);
        l.onCommand("m", command("{\"command\":\"reset\"}"), 202);
        s = models.model("m").state();
        assertThat(s.candidate(0).state().seen()).isZero();
        assertThat(s.sinceChange()).isZero();
    }
}
