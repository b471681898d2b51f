package org.streamlearn.store.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;

/**
 * The {@code drift} section of a spec and of a snapshot: parsed with defaults, written explicitly, bad fields
 * named; the detector's state round trips through both codecs in the middle of a stream and continues bit for
 * bit; a spec without drift writes no section.
 */
class DriftStateCodecTest {

    private static final String BASE = "{\"task\":\"regression\",\"features\":3,";

    static Stream<Arguments> specs() {
        return Stream.of(
                EventStream.spec("adwin", BASE + "\"drift\":{\"detector\":\"adwin\",\"delta\":0.01,\"clock\":8}}"),
                EventStream.spec("page_hinkley", BASE + "\"drift\":{\"detector\":\"page_hinkley\",\"threshold\":5,"
                        + "\"signal\":\"loss\",\"action\":\"reset\"}}"));
    }

    @Test
    void theDriftSectionIsParsedWithDefaultsAndWrittenExplicitly() {
        ModelSpec s = ModelSpecs.parse(BASE + "\"drift\":{\"detector\":\"page_hinkley\"}}");
        assertThat(ModelSpecs.toJson(s).get("drift").toString()).isEqualTo("{\"detector\":\"page_hinkley\","
                + "\"minInstances\":30,\"delta\":0.005,\"threshold\":50.0,\"alpha\":0.9999,\"signal\":\"error\","
                + "\"action\":\"alert\"}");
        assertThat(ModelSpecs.parse(ModelSpecs.toJsonString(s))).isEqualTo(s);
        ModelSpec a = ModelSpecs.parse(BASE + "\"drift\":{\"detector\":\"adwin\",\"action\":\"reset\"}}");
        assertThat(ModelSpecs.toJson(a).get("drift").toString()).isEqualTo("{\"detector\":\"adwin\",\"delta\":0.002,"
                + "\"clock\":32,\"maxBuckets\":5,\"gracePeriod\":10,\"signal\":\"error\",\"action\":\"reset\"}");
        assertThat(ModelSpecs.parse(ModelSpecs.toJsonString(a))).isEqualTo(a);
        assertThat(ModelSpecs.toJson(ModelSpecs.parse(BASE + "\"l2\":0}")).has("drift")).isFalse();
    }

    @Test
    void badDriftFieldsAreNamed() {
        assertField("{}", "drift.detector", "drift.detector: required");
        assertField("{\"detector\":\"ddm\"}", "drift.detector", "drift.detector: unknown value 'ddm'");
        assertField("{\"detector\":\"adwin\",\"clock\":0}", "drift.clock", "drift.clock: must be >= 1, got 0");
        assertField("{\"detector\":\"adwin\",\"delta\":2}", "drift.delta", "drift.delta: must be in (0, 1]");
        assertField("{\"detector\":\"adwin\",\"threshold\":5}", "drift.threshold", "drift.threshold");
        assertField("{\"detector\":\"page_hinkley\",\"signal\":\"mse\"}", "drift.signal",
                "drift.signal: unknown value 'mse'");
        assertField("{\"detector\":\"page_hinkley\",\"action\":\"retrain\"}", "drift.action",
                "drift.action: unknown value 'retrain'");
        assertField("{\"detector\":\"page_hinkley\",\"action\":\"promote\"}", "drift.action",
                "drift.action: 'promote' needs challengers");
        assertField("{\"detector\":\"adwin\",\"window\":5}", "drift.window", "unknown field 'window' in drift");
    }

    private static void assertField(String drift, String field, String message) {
        assertThatThrownBy(() -> ModelSpecs.parse(BASE + "\"drift\":" + drift + "}"))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void theDetectorRoundTripsMidStreamAndContinuesBitForBit(ModelSpec spec) {
        ModelState m = ModelState.create("m", spec, 1_700_000_000_000L);
        EventStream.LINEAR.feed(m, 3, 57);
        Random r = new Random(5);
        feed(m.drift(), r, 0, 700);
        assertThat(m.drift().detections()).isPositive();
        feed(m.drift(), r, 700, 733); // mid-window
        EventStream.assertRoundTrips(m, "mid-stream");
        ModelState fromJson = JsonStateCodec.parse(JsonStateCodec.toJsonString(m));
        ModelState fromBinary = BinaryStateCodec.decode(BinaryStateCodec.encode(m));
        assertThat(fromJson).isEqualTo(m);
        assertThat(fromBinary).isEqualTo(m);
        for (int i = 733; i < 1500; i++) {
            double x = value(r, i);
            boolean a = m.drift().update(x);
            assertThat(fromJson.drift().update(x)).isEqualTo(a);
            assertThat(fromBinary.drift().update(x)).isEqualTo(a);
        }
        assertThat(fromJson.drift().state()).isEqualTo(m.drift().state());
        assertThat(fromBinary.drift().state()).isEqualTo(m.drift().state());
        assertThat(m.copy()).isEqualTo(m);
    }

    @Test
    void aSpecWithoutDriftHasNoSectionAndASnapshotWithoutOneStartsAFreshDetector() {
        ModelState plain = ModelState.create("m", ModelSpecs.parse(BASE + "\"l2\":0}"), 0);
        assertThat(JsonStateCodec.toJson(plain).has("drift")).isFalse();
        assertThat(plain.drift()).isNull();
        ModelSpec withDrift = ModelSpecs.parse(BASE + "\"drift\":{\"detector\":\"adwin\"}}");
        ModelState m = ModelState.create("m", withDrift, 0);
        var tree = JsonStateCodec.toJson(m);
        tree.remove("drift");
        assertThat(JsonStateCodec.fromJson(tree).drift().seen()).isZero();
        var plainTree = JsonStateCodec.toJson(plain);
        plainTree.set("drift", JsonStateCodec.toJson(m).get("drift"));
        assertThatThrownBy(() -> JsonStateCodec.fromJson(plainTree)).isInstanceOfSatisfying(
                StateFormatException.class, e -> assertThat(e.field()).isEqualTo("drift"));
    }

    /** A stream whose mean steps up from 0.2 to 1.2 at value 300. */
    private static double value(Random r, int i) {
        return (i < 300 ? 0.2 : 1.2) + 0.1 * r.nextGaussian();
    }

    private static void feed(DriftDetector d, Random r, int from, int to) {
        for (int i = from; i < to; i++) {
            d.update(value(r, i));
        }
    }
}
