package org.streamlearn.store.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/** A snapshot with its spec apart: smaller, joined back to the same model, and never joined to another spec. */
class SpecApartTest {

    /** The model of figure 2: d = 20, Adam, the default spec otherwise (standardized, window 1000). */
    private static final ModelSpec FIGURE2 = ModelSpecs.parse("{\"task\":\"regression\",\"features\":20,"
            + "\"optimizer\":{\"type\":\"adam\"},\"publishEvery\":10000}");

    private static ModelState learned(ModelSpec spec, int events) {
        ModelState m = ModelState.create("model-12345", spec, 1_700_000_000_000L);
        EventStream.LINEAR.feed(m, 3, events);
        return m;
    }

    @Test
    void theSpecAndTheEqualCountsLeaveTheRecordAndJoiningGivesTheSameModelBack() {
        ModelState m = learned(FIGURE2, 6);
        byte[] whole = BinaryStateCodec.encode(m);
        byte[] apart = SpecApart.encode(m);
        int spec = m.specJsonBytes().length;
        // 4 + spec bytes become 4 + an 8-byte hash; 20 equal counts become one
        assertThat(apart.length).isEqualTo(whole.length - (spec - 8) - 8 * 19);
        assertThat((double) apart.length / whole.length).isLessThan(0.7);
        assertThat(SpecApart.isApart(apart)).isTrue();
        assertThat(SpecApart.isApart(whole)).isFalse();
        assertThat(SpecApart.specHash(apart)).isEqualTo(m.specHash()).isEqualTo(SpecApart.hash(m.specJsonBytes()));
        ModelState back = BinaryStateCodec.decode(SpecApart.join(apart, m.specJsonBytes()));
        assertThat(back).isEqualTo(m);
        assertThat(BinaryStateCodec.encode(back)).isEqualTo(whole);
        assertThat(SpecApart.join(whole, null)).isSameAs(whole);
    }

    @Test
    void unequalCountsAreKeptPerFeature() {
        ObjectNode json = JsonStateCodec.toJson(learned(FIGURE2, 6));
        ArrayNode counts = ((ObjectNode) json.get("scaler")).putArray("count");
        for (int j = 0; j < 20; j++) {
            counts.add(j == 7 ? 5 : 6);
        }
        ModelState m = JsonStateCodec.fromJson(json);
        byte[] apart = SpecApart.encode(m);
        assertThat(apart.length).isEqualTo(BinaryStateCodec.encode(m).length - (m.specJsonBytes().length - 8));
        ModelState back = BinaryStateCodec.decode(SpecApart.join(apart, m.specJsonBytes()));
        assertThat(back).isEqualTo(m);
        assertThat(back.learned().scaler().count()[7]).isEqualTo(5);
        assertThat(back.learned().scaler().count()[8]).isEqualTo(6);
    }

    @Test
    void aSnapshotWithItsSpecApartIsNotReadWithoutItNorWithAnotherSpec() {
        ModelState m = learned(FIGURE2, 3);
        byte[] apart = SpecApart.encode(m);
        assertThatThrownBy(() -> BinaryStateCodec.decode(apart)).isInstanceOf(StateFormatException.class)
                .hasMessageStartingWith("spec:").hasMessageContaining("kept apart");
        byte[] other = ModelSpecs.toJsonString(ModelSpecs.parse("{\"task\":\"regression\",\"features\":20,"
                + "\"optimizer\":{\"type\":\"adam\"},\"publishEvery\":10001}")).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SpecApart.join(apart, other)).isInstanceOf(StateFormatException.class)
                .hasMessageStartingWith("spec:").hasMessageContaining("not the one the state was written with");
        assertThatThrownBy(() -> SpecApart.join(apart, null)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> SpecApart.specHash(BinaryStateCodec.encode(m)))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("not a snapshot with its spec apart");
        assertThatThrownBy(() -> SpecApart.isApart(Arrays.copyOf(apart, 10)))
                .isInstanceOf(StateFormatException.class).hasMessageStartingWith("header:");
    }

    @Test
    void everyLayoutComesBackTheSame() {
        for (String json : new String[] {
            "{\"task\":\"regression\",\"features\":4,\"standardize\":false}",
            "{\"task\":\"multiclass\",\"features\":4,\"classes\":3,\"update\":{\"mode\":\"minibatch\",\"batchSize\":4}}",
            "{\"task\":\"binary\",\"features\":4,\"challengers\":[{\"name\":\"fast\",\"spec\":{\"optimizer\":"
                    + "{\"type\":\"sgd\",\"learningRate\":0.1}}}],\"drift\":{\"detector\":\"adwin\"}}"}) {
            ModelSpec spec = ModelSpecs.parse(json);
            for (int events : new int[] {0, 1, 9}) {
                EventStream.assertRoundTrips(learned(spec, events), json + " after " + events);
            }
        }
    }
}
