package org.streamlearn.store.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.model.Activation;
import org.streamlearn.core.model.Architecture;
import org.streamlearn.core.model.Init;
import org.streamlearn.core.model.MlpModel;
import org.streamlearn.store.spec.LearnerConfigs;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * MLP snapshots through both codecs: the spec's {@code mlp} architecture maps to {@link Architecture.Mlp}; the
 * JSON form carries {@code layers: [{"weights": [[..]], "bias": [..]}, …]} (DESIGN.md "Outputs") instead of
 * {@code weights}/{@code intercept}, with optimizer slots and the open batch as flat vectors in the parameter
 * layout; JSON and binary round trips are lossless (Adam mid-mini-batch included) and a restored model continues
 * bit-identically; malformed layers fail naming the field.
 */
class MlpStateCodecTest {

    private static final String ADAM_MINIBATCH = "{\"task\":\"multiclass\",\"features\":6,\"classes\":3,"
            + "\"architecture\":{\"type\":\"mlp\",\"hidden\":[5,4],\"activation\":\"tanh\",\"init\":\"xavier\","
            + "\"seed\":9},\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.01},"
            + "\"update\":{\"mode\":\"minibatch\",\"batchSize\":4}}";

    static Stream<Arguments> specs() {
        return Stream.of(
                EventStream.spec("adam minibatch multiclass tanh [5,4]", ADAM_MINIBATCH),
                EventStream.spec("sgd regression relu [7] ilr clip l2", "{\"task\":\"regression\",\"features\":6,"
                        + "\"architecture\":{\"type\":\"mlp\",\"hidden\":[7]},\"optimizer\":{\"type\":\"sgd\","
                        + "\"learningRate\":0.01},\"interceptLearningRate\":0.05,\"clipNorm\":2,\"l2\":0.001}"),
                EventStream.spec("nesterov binary sigmoid [3,3,2] minibatch", "{\"task\":\"binary\",\"features\":6,"
                        + "\"architecture\":{\"type\":\"mlp\",\"hidden\":[3,3,2],\"activation\":\"sigmoid\","
                        + "\"init\":\"he\",\"seed\":-5},\"optimizer\":{\"type\":\"nesterov\",\"learningRate\":0.05},"
                        + "\"update\":{\"mode\":\"minibatch\",\"batchSize\":3},\"standardize\":false}"),
                EventStream.spec("rmsprop regression huber tanh [4]", "{\"task\":\"regression\",\"features\":6,\"loss\":\"huber\","
                        + "\"architecture\":{\"type\":\"mlp\",\"hidden\":[4],\"activation\":\"tanh\"},"
                        + "\"optimizer\":{\"type\":\"rmsprop\",\"learningRate\":0.01},\"l1\":0.0001}"));
    }

    @Test
    void theSpecMapsToTheCoreArchitecture() {
        ModelSpec spec = ModelSpecs.parse(ADAM_MINIBATCH);
        assertThat(LearnerConfigs.of(spec).architecture())
                .isEqualTo(new Architecture.Mlp(new int[] {5, 4}, Activation.TANH, Init.XAVIER, 9));
        ModelSpec defaults = ModelSpecs.parse("{\"task\":\"regression\",\"features\":2,"
                + "\"architecture\":{\"type\":\"mlp\",\"hidden\":[3]}}");
        assertThat(LearnerConfigs.of(defaults).architecture())
                .isEqualTo(new Architecture.Mlp(new int[] {3}, Activation.RELU, Init.HE, 42));
        ModelState m = ModelState.create("m", spec, 0);
        assertThat(m.learner().model()).isInstanceOf(MlpModel.class);
        assertThat(m.learned().params()).hasSize(6 * 5 + 5 * 4 + 4 * 3 + 5 + 4 + 3);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void jsonAndBinaryRoundTripsAreLossless(ModelSpec spec) {
        for (int events : new int[] {0, 1, 6, 29}) {
            ModelState m = ModelState.create("mlp-1", spec, 1_700_000_000_000L);
            EventStream.PRODUCTS.feed(m, 7, events);
            ModelState viaJson = EventStream.assertRoundTrips(m, "after " + events + " events");
            assertThat(viaJson.learner().model()).isInstanceOf(MlpModel.class);
        }
    }

    @Test
    void adamMidMiniBatchJsonHasLayersAndFlatSlots() {
        ModelState m = ModelState.create("mlp", ModelSpecs.parse(ADAM_MINIBATCH), 1_700_000_000_000L);
        EventStream.PRODUCTS.feed(m, 3, 42); // 10 steps, 2 events buffered
        assertThat(m.learned().batchCount()).isEqualTo(2);
        assertThat(m.learned().steps()).isEqualTo(10);
        MlpModel model = (MlpModel) m.learner().model();
        double[] p = m.learned().params();
        ObjectNode o = JsonStateCodec.toJson(m);
        assertThat(o.has("weights")).isFalse();
        assertThat(o.has("intercept")).isFalse();
        JsonNode layers = o.get("layers");
        assertThat(layers.size()).isEqualTo(3);
        int[][] shapes = {{5, 6}, {4, 5}, {3, 4}};
        for (int l = 0; l < 3; l++) {
            JsonNode layer = layers.get(l);
            assertThat(layer.size()).isEqualTo(2);
            JsonNode w = layer.get("weights");
            assertThat(w.size()).isEqualTo(shapes[l][0]);
            for (int r = 0; r < shapes[l][0]; r++) {
                assertThat(w.get(r).size()).isEqualTo(shapes[l][1]);
                for (int c = 0; c < shapes[l][1]; c++) {
                    assertThat(w.get(r).get(c).doubleValue())
                            .isEqualTo(p[model.weightOffset(l) + r * shapes[l][1] + c]);
                }
            }
            JsonNode b = layer.get("bias");
            assertThat(b.size()).isEqualTo(shapes[l][0]);
            for (int i = 0; i < shapes[l][0]; i++) {
                assertThat(b.get(i).doubleValue()).isEqualTo(p[model.biasOffset(l) + i]);
            }
        }
        JsonNode slots = o.get("optimizer").get("slots");
        assertThat(slots.get("m").size()).isEqualTo(p.length);
        assertThat(slots.get("v").size()).isEqualTo(p.length);
        assertThat(o.get("optimizer").get("step").asLong()).isEqualTo(10);
        assertThat(o.get("batch").get("count").asInt()).isEqualTo(2);
        assertThat(o.get("batch").get("gradientSum").size()).isEqualTo(p.length);
        assertThat(JsonStateCodec.parse(JsonStateCodec.toJsonString(m))).isEqualTo(m);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void aRestoredModelContinuesBitIdentically(ModelSpec spec) {
        ModelState uninterrupted = ModelState.create("m", spec, 0);
        EventStream.PRODUCTS.feed(uninterrupted, 11, 150);
        ModelState restored = EventStream.PRODUCTS.restoredAt(spec, 11, 67, 150);
        assertThat(restored.learned()).isEqualTo(uninterrupted.learned());
        assertThat(restored.learned().steps()).isPositive();
    }

    @Test
    void malformedLayersFailNamingTheField() {
        ModelState m = ModelState.create("m", ModelSpecs.parse(ADAM_MINIBATCH), 0);
        EventStream.PRODUCTS.feed(m, 1, 5);
        ObjectNode missing = JsonStateCodec.toJson(m);
        missing.remove("layers");
        assertThatThrownBy(() -> JsonStateCodec.fromJson(missing)).isInstanceOf(StateFormatException.class)
                .hasMessageStartingWith("layers:");
        ObjectNode tooFew = JsonStateCodec.toJson(m);
        ((ArrayNode) tooFew.get("layers")).remove(2);
        assertThatThrownBy(() -> JsonStateCodec.fromJson(tooFew)).hasMessageStartingWith("layers:")
                .hasMessageContaining("3 layers");
        ObjectNode shortRow = JsonStateCodec.toJson(m);
        ((ArrayNode) shortRow.get("layers").get(1).get("weights").get(0)).remove(0);
        assertThatThrownBy(() -> JsonStateCodec.fromJson(shortRow)).hasMessageStartingWith("layers[1].weights[0]:");
        ObjectNode badBias = JsonStateCodec.toJson(m);
        ((ArrayNode) badBias.get("layers").get(2).get("bias")).set(1, JsonNodeFactory.instance.textNode("x"));
        assertThatThrownBy(() -> JsonStateCodec.fromJson(badBias)).hasMessageStartingWith("layers[2].bias[1]:");
        ObjectNode noWeights = JsonStateCodec.toJson(m);
        ((ObjectNode) noWeights.get("layers").get(0)).remove("weights");
        assertThatThrownBy(() -> JsonStateCodec.fromJson(noWeights)).hasMessageStartingWith("layers[0].weights:");
        ObjectNode extra = JsonStateCodec.toJson(m);
        ((ObjectNode) extra.get("layers").get(0)).put("gain", 1.0);
        assertThatThrownBy(() -> JsonStateCodec.fromJson(extra)).hasMessageStartingWith("layers[0].gain:");
        ObjectNode linearFields = JsonStateCodec.toJson(m);
        linearFields.putArray("weights").add(1.0);
        assertThatThrownBy(() -> JsonStateCodec.fromJson(linearFields)).hasMessageStartingWith("weights:");
        // a linear snapshot must not carry layers
        ModelState linear = ModelState.create("lin", ModelSpecs.parse("{\"task\":\"regression\",\"features\":2}"), 0);
        ObjectNode withLayers = JsonStateCodec.toJson(linear);
        withLayers.putArray("layers");
        assertThatThrownBy(() -> JsonStateCodec.fromJson(withLayers)).hasMessageStartingWith("layers:");
    }

    @Test
    void nonFiniteParametersAreRefusedBeforeWriting() {
        ModelState m = ModelState.create("m", ModelSpecs.parse(ADAM_MINIBATCH), 0);
        MlpModel model = (MlpModel) m.learner().model();
        m.learned().params()[model.weightOffset(1) + 5 + 2] = Double.POSITIVE_INFINITY; // W_1[1][2]
        assertThatThrownBy(() -> JsonStateCodec.toJsonString(m)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("layers[1].weights[1][2]").hasMessageContaining("non-finite");
    }

    @Test
    void anArchitectureChangeRestartsWhileARateChangeKeepsTheLayers() {
        ModelSpec spec = ModelSpecs.parse(ADAM_MINIBATCH);
        ModelState m = ModelState.create("m", spec, 0);
        EventStream.PRODUCTS.feed(m, 2, 20);
        double[] learned = m.learned().params().clone();
        ModelState sameShape = m.copy().withSpec(ModelSpecs.parse(ADAM_MINIBATCH.replace("0.01", "0.02")), 1);
        assertThat(sameShape.learned().params()).containsExactly(learned);
        ModelState reseeded = m.copy().withSpec(ModelSpecs.parse(ADAM_MINIBATCH.replace("\"seed\":9",
                "\"seed\":10")), 1);
        assertThat(reseeded.learned().seen()).isZero();
        assertThat(reseeded.learned().params()).isNotEqualTo(learned);
    }
}
