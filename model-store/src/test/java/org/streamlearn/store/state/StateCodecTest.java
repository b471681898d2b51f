package org.streamlearn.store.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * Both snapshot codecs: lossless round trips for every optimizer and task, mid-batch included; a restored
 * model continues bit-identically to one that never stopped; golden files stay readable; bad snapshots fail
 * naming the field.
 */
class StateCodecTest {

    /** Specs covering every optimizer, every task, minibatch, ilr, clipping, l1/l2, standardize on and off. */
    static Stream<Arguments> specs() {
        return Stream.of(
                EventStream.spec("sgd", "{\"task\":\"regression\",\"features\":4,\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.02},"
                        + "\"interceptLearningRate\":0.1}"),
                EventStream.spec("momentum", "{\"task\":\"regression\",\"features\":4,\"optimizer\":{\"type\":\"momentum\","
                        + "\"learningRate\":0.005},\"l2\":0.01,\"clipNorm\":5}"),
                EventStream.spec("nesterov", "{\"task\":\"binary\",\"features\":4,\"optimizer\":{\"type\":\"nesterov\","
                        + "\"learningRate\":0.01},\"update\":{\"mode\":\"minibatch\",\"batchSize\":7}}"),
                EventStream.spec("adagrad", "{\"task\":\"multiclass\",\"features\":4,\"classes\":3,\"optimizer\":"
                        + "{\"type\":\"adagrad\",\"learningRate\":0.3},\"standardize\":false}"),
                EventStream.spec("rmsprop", "{\"task\":\"regression\",\"features\":4,\"loss\":\"huber\",\"optimizer\":"
                        + "{\"type\":\"rmsprop\",\"learningRate\":0.05},\"l1\":0.001}"),
                EventStream.spec("adam", "{\"task\":\"regression\",\"features\":4,\"optimizer\":{\"type\":\"adam\","
                        + "\"learningRate\":0.1},\"schedule\":{\"type\":\"step\",\"factor\":0.5,\"every\":10},"
                        + "\"update\":{\"mode\":\"minibatch\",\"batchSize\":4},\"metrics\":{\"window\":16,"
                        + "\"ewmaAlpha\":0.1}}"),
                EventStream.spec("ftrl", "{\"task\":\"binary\",\"features\":4,\"optimizer\":{\"type\":\"ftrl\",\"alpha\":0.2,"
                        + "\"l1\":0.5,\"l2\":1}}"),
                EventStream.spec("mlp-adam", "{\"task\":\"multiclass\",\"features\":4,\"classes\":3,\"architecture\":"
                        + "{\"type\":\"mlp\",\"hidden\":[5,3],\"activation\":\"tanh\",\"init\":\"xavier\",\"seed\":7},"
                        + "\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.01},\"update\":{\"mode\":\"minibatch\","
                        + "\"batchSize\":4},\"clipNorm\":5,\"l2\":0.001}"));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void jsonAndBinaryRoundTripsAreLossless(ModelSpec spec) {
        for (int events : new int[] {0, 1, 3, 10, 57}) {
            ModelState m = ModelState.create("m-1", spec, 1_700_000_000_000L);
            EventStream.LINEAR.feed(m, 7, events);
            EventStream.assertRoundTrips(m, "after " + events + " events");
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void aRestoredModelContinuesBitIdentically(ModelSpec spec) {
        ModelState uninterrupted = ModelState.create("m", spec, 0);
        EventStream.LINEAR.feed(uninterrupted, 11, 200);

        // stops mid-batch for the minibatch specs, then continues the same stream
        ModelState restored = EventStream.LINEAR.restoredAt(spec, 11, 97, 200);
        OnlineLearner l = restored.learner();
        ModelState tail = ModelState.create("m", spec, 0);
        EventStream.LINEAR.feed(tail, 11, 200);
        assertThat(Arrays.equals(l.state().params(), uninterrupted.learned().params())).isTrue();
        assertThat(l.state()).isEqualTo(uninterrupted.learned());
        assertThat(tail.learned()).isEqualTo(uninterrupted.learned());
    }

    @Test
    void nonFiniteNumbersAreRefusedBeforeWriting() {
        ModelState m = ModelState.create("m", ModelSpecs.parse("{\"task\":\"regression\",\"features\":2}"), 0);
        m.learned().params()[1] = Double.NaN;
        assertThatThrownBy(() -> JsonStateCodec.toJsonString(m)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("weights[1]").hasMessageContaining("non-finite");
    }

    @Test
    void unknownVersionsAndFieldsFailLoudly() {
        ModelState m = ModelState.create("m", ModelSpecs.parse("{\"task\":\"regression\",\"features\":2}"), 0);
        ObjectNode o = JsonStateCodec.toJson(m);
        o.put("schemaVersion", 99);
        assertThatThrownBy(() -> JsonStateCodec.fromJson(o)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("schemaVersion").hasMessageContaining("newer");
        ObjectNode u = JsonStateCodec.toJson(m);
        u.put("colour", "blue");
        assertThatThrownBy(() -> JsonStateCodec.fromJson(u)).hasMessageContaining("colour: unknown field");
        ObjectNode w = JsonStateCodec.toJson(m);
        w.putArray("weights").add(1.0);
        assertThatThrownBy(() -> JsonStateCodec.fromJson(w)).hasMessageStartingWith("weights:");
        ObjectNode t = JsonStateCodec.toJson(m);
        ((ObjectNode) t.get("optimizer")).put("type", "adam");
        assertThatThrownBy(() -> JsonStateCodec.fromJson(t)).hasMessageStartingWith("optimizer.type:");
        byte[] bin = BinaryStateCodec.encode(m);
        assertThatThrownBy(() -> BinaryStateCodec.decode(Arrays.copyOf(bin, bin.length - 5)))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("truncated");
        byte[] bad = bin.clone();
        bad[3] = 42;
        assertThatThrownBy(() -> BinaryStateCodec.decode(bad)).hasMessageContaining("schemaVersion");
        assertThatThrownBy(() -> BinaryStateCodec.decode("hello".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("magic");
    }

    @Test
    void badNumbersDuplicatedKeysAndTrailingContentAreRefusedNamingTheProblem() {
        ModelState m = ModelState.create("m", ModelSpecs.parse("{\"task\":\"regression\",\"features\":2}"), 0);
        String json = JsonStateCodec.toJsonString(m);
        assertThatThrownBy(() -> JsonStateCodec.parse(json.replace("\"weights\":[0.0,", "\"weights\":[NaN,")))
                .isInstanceOf(StateFormatException.class).hasMessage("weights[0]: must be a finite number, got NaN");
        ObjectNode negative = JsonStateCodec.toJson(m);
        ((ObjectNode) negative.get("scaler")).putArray("count").add(0).add(-1);
        assertThatThrownBy(() -> JsonStateCodec.fromJson(negative)).isInstanceOf(StateFormatException.class)
                .hasMessage("scaler.count[1]: must be >= 0, got -1");
        assertThatThrownBy(() -> JsonStateCodec.parse(json + json)).isInstanceOf(StateFormatException.class)
                .hasMessage("snapshot: not valid JSON: unexpected content after the snapshot");
        assertThatThrownBy(() -> JsonStateCodec.parse(json.replace("{\"schemaVersion\":1,",
                "{\"schemaVersion\":1,\"schemaVersion\":1,"))).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("Duplicate field 'schemaVersion'");
    }

    @Test
    void binaryIsSmallerThanJson() {
        ModelState m = ModelState.create("m", ModelSpecs.parse(
                "{\"task\":\"regression\",\"features\":50,\"optimizer\":{\"type\":\"adam\"}}"), 0);
        EventStream.LINEAR.feed(m, 3, 300);
        assertThat(BinaryStateCodec.encode(m).length).isLessThan(JsonStateCodec.toBytes(m).length);
    }

    /**
     * Golden files written by version 1 must stay readable and re-encode to the same JSON; regenerate them only
     * on purpose, with {@link GoldenFiles#main}.
     */
    @ParameterizedTest
    @MethodSource("specs")
    void goldenFilesStayReadable(ModelSpec spec) throws IOException {
        String name = GoldenFiles.name(spec) + ".json";
        ModelState current = GoldenFiles.state(spec);
        String text = GoldenFiles.resource(name);
        assertThat(text).as("golden file %s (regenerate with GoldenFiles.main)", name).isNotNull();
        JsonNode golden = Json.MAPPER.readTree(text);
        ModelState read = JsonStateCodec.fromJson(golden);
        assertThat(JsonStateCodec.toJsonString(read)).isEqualTo(Json.MAPPER.writeValueAsString(golden));
        assertThat(read).isEqualTo(current);
        assertThat(golden.get("seen").asLong()).isEqualTo(23);
    }

    /**
     * The changelog's binary format is pinned too: the stored {@code SLM} bytes decode to the golden state (the
     * one the JSON golden file holds), and encoding today's state gives exactly the stored bytes.
     */
    @ParameterizedTest
    @MethodSource("specs")
    void binaryGoldenFilesDecodeAndReencodeToTheSameBytes(ModelSpec spec) throws IOException {
        String name = GoldenFiles.name(spec) + ".bin.b64";
        String text = GoldenFiles.resource(name);
        assertThat(text).as("golden file %s (regenerate with GoldenFiles.main)", name).isNotNull();
        byte[] stored = GoldenFiles.binaryBytes(text);
        assertThat(stored).startsWith('S', 'L', 'M', (byte) ModelState.SCHEMA_VERSION);
        ModelState decoded = BinaryStateCodec.decode(stored);
        ModelState current = GoldenFiles.state(spec);
        assertThat(decoded).isEqualTo(current);
        assertThat(decoded).isEqualTo(JsonStateCodec.parse(GoldenFiles.resource(GoldenFiles.name(spec) + ".json")));
        assertThat(BinaryStateCodec.encode(current)).isEqualTo(stored);
        assertThat(BinaryStateCodec.encode(decoded)).isEqualTo(stored);
    }
}
