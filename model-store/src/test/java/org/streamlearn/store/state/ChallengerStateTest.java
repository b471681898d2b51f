package org.streamlearn.store.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;

/**
 * Challengers in a spec (overrides of the champion's spec, names, limits, the promotion rule) and in a
 * snapshot: every candidate's state round trips through both codecs, before and after a promotion.
 */
class ChallengerStateTest {

    private static final String BASE = "{\"task\":\"regression\",\"features\":4,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.001},\"metrics\":{\"window\":50,\"ewmaAlpha\":0.1}";
    private static final String CHALLENGERS = ",\"challengers\":[{\"name\":\"adam\",\"spec\":{\"optimizer\":"
            + "{\"type\":\"adam\",\"learningRate\":0.05}}},{\"name\":\"mlp\",\"spec\":{\"architecture\":{\"type\":"
            + "\"mlp\",\"hidden\":[3]},\"update\":{\"mode\":\"minibatch\",\"batchSize\":4}}}],"
            + "\"promotion\":{\"minEvents\":20,\"margin\":0.05,\"checkEvery\":10}";

    @Test
    void challengersAreTheChampionsSpecWithOverridesAndRoundTrip() {
        ModelSpec s = ModelSpecs.parse(BASE + CHALLENGERS + "}");
        assertThat(s.challengers()).hasSize(2);
        ModelSpec adam = s.challengers().get(0).spec();
        assertThat(adam.optimizer().type()).isEqualTo("adam");
        assertThat(adam.metrics()).isEqualTo(s.metrics()); // not overridden: the champion's
        assertThat(adam.challengers()).isEmpty();
        assertThat(s.promotion().checkEvery()).isEqualTo(10);
        assertThat(ModelSpecs.parse(ModelSpecs.toJsonString(s))).isEqualTo(s);
        assertThat(ModelSpecs.parse(BASE + ",\"challengers\":[{\"name\":\"a\",\"spec\":{}}]}").promotion().minEvents())
                .isEqualTo(5000);
    }

    @Test
    void badChallengersAreNamed() {
        assertField(",\"challengers\":[{\"name\":\"a\",\"spec\":{\"optimizer\":{\"type\":\"adamw\"}}}]",
                "challengers[0].spec.optimizer.type");
        assertField(",\"challengers\":[{\"name\":\"a\",\"spec\":{\"features\":5}}]", "challengers[0].spec.features");
        assertField(",\"challengers\":[{\"name\":\"a\",\"spec\":{\"drift\":{}}}]", "challengers[0].spec.drift");
        assertField(",\"challengers\":[{\"name\":\"main\",\"spec\":{}}]", "challengers[0].name");
        assertField(",\"challengers\":[{\"name\":\"a\",\"spec\":{}},{\"name\":\"a\",\"spec\":{}}]",
                "challengers[1].name");
        assertField(",\"challengers\":[{\"spec\":{}}]", "challengers[0].name");
        assertField(",\"challengers\":[{\"name\":\"a\"}]", "challengers[0].spec");
        assertField(",\"challengers\":[" + "{\"name\":\"a\",\"spec\":{}},".repeat(8) + "{\"name\":\"b\",\"spec\":{}}]",
                "challengers");
        assertField(",\"promotion\":{\"minEvents\":1}", "promotion");
        assertField(",\"challengers\":[{\"name\":\"a\",\"spec\":{}}],\"promotion\":{\"margin\":1}",
                "promotion.margin");
        assertField(",\"challengers\":[{\"name\":\"a\",\"spec\":{\"update\":{\"mode\":\"minibatch\","
                + "\"maxDelayMs\":5}}}]", "challengers[0].spec.update.maxDelayMs");
    }

    private static void assertField(String extra, String field) {
        assertThatThrownBy(() -> ModelSpecs.parse(BASE + extra + "}"))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageStartingWith(field + ":");
    }

    @Test
    void everyCandidateRoundTripsBeforeAndAfterAPromotion() {
        ModelSpec spec = ModelSpecs.parse(BASE + CHALLENGERS + ",\"drift\":{\"detector\":\"page_hinkley\","
                + "\"action\":\"promote\"}}");
        ModelState m = ModelState.create("m", spec, 0);
        assertThat(m.candidateCount()).isEqualTo(3);
        EventStream.LINEAR.feed(m, 9, 37);
        for (int i = 1; i < m.candidateCount(); i++) {
            feed(m, i);
        }
        m.countEvent();
        roundTrip(m);
        assertThat(m.championSpec()).isSameAs(m.spec());
        m.promote(1, 5);
        assertThat(m.championName()).isEqualTo("adam");
        assertThat(m.championSpec().optimizer().type()).isEqualTo("adam");
        assertThat(m.spec().optimizer().type()).isNotEqualTo("adam");
        assertThat(m.learner()).isSameAs(m.candidate(1));
        assertThat(m.sinceChange()).isZero();
        assertThat(JsonStateCodec.toJson(m).get("optimizer").get("type").asText()).isEqualTo("adam");
        assertThat(JsonStateCodec.toJson(m).get("challengers").get(0).get("name").asText()).isEqualTo("main");
        roundTrip(m);
        assertThat(m.copy()).isEqualTo(m);
        ModelState restarted = m.resetAfterDrift(6);
        assertThat(restarted.championName()).isEqualTo("adam");
        assertThat(restarted.learned().seen()).isEqualTo(m.learned().seen());
        roundTrip(restarted);
        assertThat(BinaryStateCodec.encode(m).length).isLessThanOrEqualTo(
                (int) StateSizes.maxEncodedSize("m", spec));
    }

    @Test
    void aChallengerOverTheParameterLimitIsRefusedNamingItsField() {
        ModelSpec spec = ModelSpecs.parse(BASE + ",\"challengers\":[{\"name\":\"big\",\"spec\":{\"architecture\":"
                + "{\"type\":\"mlp\",\"hidden\":[4096,4096]}}}]}");
        assertThatThrownBy(() -> ModelState.create("m", spec, 0, StateLimits.DEFAULT))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.field())
                        .isEqualTo("challengers[0].spec.architecture.hidden"))
                .hasMessageContaining("model.max.parameters");
    }

    /** Feeds candidate i the same stream the champion saw (as the lifecycle does). */
    private static void feed(ModelState m, int i) {
        ModelState alone = ModelState.restore("x", m.spec().challengers().get(i - 1).spec(),
                m.candidate(i).state(), 0, 0, 0);
        EventStream.LINEAR.feed(alone, 9, 37);
    }

    private static void roundTrip(ModelState m) {
        assertThat(JsonStateCodec.parse(JsonStateCodec.toJsonString(m))).isEqualTo(m);
        assertThat(BinaryStateCodec.decode(BinaryStateCodec.encode(m))).isEqualTo(m);
        assertThat(JsonStateCodec.toBytes(m).length).isLessThanOrEqualTo((int) JsonStateCodec.maxEncodedSize("m",
                m.spec()));
    }
}
