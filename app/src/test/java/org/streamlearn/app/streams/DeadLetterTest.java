package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.streamlearn.app.streams.TopologyHarness.drain;
import static org.streamlearn.app.streams.TopologyHarness.last;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * Every kind of bad input goes to dead-letter with a reason naming the problem, leaves the model untouched
 * and keeps the stream thread alive.
 */
class DeadLetterTest {

    static final String REG = "{\"task\":\"regression\",\"features\":2}";
    static final String BIN = "{\"task\":\"binary\",\"features\":2}";
    static final String MC = "{\"task\":\"multiclass\",\"features\":2,\"classes\":3,\"classNames\":[\"a\",\"b\",\"c\"]}";

    static Stream<Arguments> badEvents() {
        return Stream.of(
                Arguments.of("non-JSON", REG, "hello there", "event", "not valid JSON"),
                Arguments.of("JSON not an object", REG, "[1, 2]", "event", "must be a JSON object"),
                Arguments.of("JSON string", REG, "\"x\"", "event", "must be a JSON object"),
                Arguments.of("missing label", REG, "{\"features\":[1,2]}", "label", "missing"),
                Arguments.of("non-numeric label", REG, "{\"features\":[1,2],\"label\":\"abc\"}", "label",
                        "must be a number"),
                Arguments.of("label object", REG, "{\"features\":[1,2],\"label\":{}}", "label", "must be a number"),
                Arguments.of("binary label outside 0/1", BIN, "{\"features\":[1,2],\"label\":2}", "label",
                        "must be 0 or 1"),
                Arguments.of("class index outside classes", MC, "{\"features\":[1,2],\"label\":3}", "label",
                        "integer in 0..2"),
                Arguments.of("unknown class name", MC, "{\"features\":[1,2],\"label\":\"zebra\"}", "label",
                        "unknown class 'zebra'"),
                Arguments.of("wrong feature dimension", REG, "{\"features\":[1,2,3],\"label\":1}", "features",
                        "expected 2 values, got 3"),
                Arguments.of("NaN feature", REG, "{\"features\":[NaN,2],\"label\":1}", "features[0]",
                        "NaN is not allowed"),
                Arguments.of("Infinity feature", REG, "{\"features\":[1,Infinity],\"label\":1}", "features[1]",
                        "must be finite"),
                Arguments.of("overflowing number", REG, "{\"features\":[1e400,2],\"label\":1}", "features[0]",
                        "must be finite"),
                Arguments.of("huge feature", REG, "{\"features\":[1e300,2],\"label\":1}", "features[0]",
                        "exceeds"),
                Arguments.of("huge label", REG, "{\"features\":[1,2],\"label\":-1e200}", "label", "exceeds"),
                Arguments.of("non-numeric feature", REG, "{\"features\":[1,\"two\"],\"label\":1}", "features[1]",
                        "must be a number, got string \"two\""),
                Arguments.of("empty feature map", REG, "{\"features\":{},\"label\":1}", "features",
                        "empty feature map"),
                Arguments.of("empty feature array", REG, "{\"features\":[],\"label\":1}", "features", "empty"),
                Arguments.of("named features on a dense model", REG, "{\"features\":{\"a\":1},\"label\":1}",
                        "features", "named features need a spec with hashBits"),
                Arguments.of("negative weight", REG, "{\"features\":[1,2],\"label\":1,\"weight\":-2}", "weight",
                        "must be >= 0"),
                Arguments.of("unknown field", REG, "{\"features\":[1,2],\"label\":1,\"lable\":2}", "lable",
                        "unknown field"),
                Arguments.of("model field differs from key", REG, "{\"features\":[1,2],\"label\":1,\"model\":\"z\"}",
                        "model", "differs from the record key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void badEventsGoToDeadLetterAndLeaveTheModelUntouched(String name, String spec, String value, String field,
            String reason, @TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(ModelSpecs.parse(spec)));
            h.event("m", "{\"features\":[0.5,1.5],\"label\":1}");
            drain(h.parameters);
            h.events.pipeInput("m", value.getBytes(StandardCharsets.UTF_8));
            List<TestRecord<String, JsonNode>> dl = drain(h.deadLetter);
            assertThat(dl).hasSize(1);
            JsonNode d = dl.get(0).value();
            assertThat(d.get("field").asText()).isEqualTo(field);
            assertThat(d.get("reason").asText()).contains(reason);
            assertThat(d.get("model").asText()).isEqualTo("m");
            assertThat(d.get("original").asText()).isEqualTo(value);
            assertThat(d.get("source").get("topic").asText()).isEqualTo("training-events");
            assertThat(d.get("source").get("offset").asLong()).isEqualTo(1);
            assertThat(dl.get(0).headers().lastHeader("streamlearn.reason")).isNotNull();
            // untouched, and the thread still learns
            h.event("m", "{\"features\":[-0.5,2.5],\"label\":0}");
            h.command("m", "{\"command\":\"publish\"}");
            JsonNode snap = last(drain(h.parameters), "m");
            ModelSpec ms = ModelSpecs.parse(spec);
            OnlineLearner core = TopologyTest.core(ms, List.of("{\"features\":[0.5,1.5],\"label\":1}",
                    "{\"features\":[-0.5,2.5],\"label\":0}"));
            assertThat(snap.get("seen").asLong()).isEqualTo(2);
            JsonNode w = ms.outputs() == 1 ? snap.get("weights") : snap.get("weights").get(0);
            assertThat(w.get(0).doubleValue()).isEqualTo(core.state().params()[0]);
        }
    }

    @Test
    void aNullKeyIsRejectedWithOrWithoutAModelFieldAndCreatesNoModel(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.event(null, "{\"features\":[1,2],\"label\":1}");
            JsonNode d = drain(h.deadLetter).get(0).value();
            assertThat(d.get("field").asText()).isEqualTo("key");
            assertThat(d.get("reason").asText()).contains("key: null").contains("key the record by its model id");
            assertThat(d.get("model").isNull()).isTrue();
            // the split brain: a keyless event naming its model would land on any partition and start a second model
            h.event(null, "{\"features\":[1,2],\"label\":1,\"model\":\"byfield\"}");
            JsonNode d2 = drain(h.deadLetter).get(0).value();
            assertThat(d2.get("field").asText()).isEqualTo("key");
            assertThat(d2.get("reason").asText()).contains("key the record by its model id")
                    .contains("names model \"byfield\"");
            assertThat(drain(h.parameters)).isEmpty();
            h.event("byfield", "{\"features\":[1,2],\"label\":1,\"model\":\"byfield\"}");
            assertThat(drain(h.deadLetter)).isEmpty();
            assertThat(last(drain(h.parameters), "byfield").get("spec").get("features").asInt()).isEqualTo(2);
        }
    }

    static Stream<Arguments> badCommands() {
        return Stream.of(
                Arguments.of("{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":2,"
                        + "\"optimizer\":{\"type\":\"adamw\"}}}", "spec.optimizer.type", "unknown value 'adamw'"),
                Arguments.of("{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":2,"
                        + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":-0.1}}}", "spec.optimizer.learningRate",
                        "must be > 0"),
                Arguments.of("{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":2,"
                        + "\"colour\":\"red\"}}", "spec.colour", "unknown field"),
                Arguments.of("{\"command\":\"upsert\"}", "spec", "required"),
                Arguments.of("{\"command\":\"explode\"}", "command", "unknown value 'explode'"),
                Arguments.of("{\"spec\":{}}", "command", "missing"),
                Arguments.of("not json", "command", "not valid JSON"),
                Arguments.of("{\"command\":\"reset\",\"spec\":{}}", "spec", "unknown field"));
    }

    @ParameterizedTest
    @MethodSource("badCommands")
    void invalidCommandsGoToDeadLetterNamingTheField(String value, String field, String reason, @TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(ModelSpecs.parse(REG)));
            drain(h.parameters);
            h.command("m", value);
            JsonNode d = drain(h.deadLetter).get(0).value();
            assertThat(d.get("field").asText()).isEqualTo(field);
            assertThat(d.get("reason").asText()).contains(reason);
            assertThat(d.get("source").get("topic").asText()).isEqualTo("model-commands");
            assertThat(drain(h.parameters)).isEmpty();
        }
    }

    @Test
    void aRefusedStepIsReportedOnDeadLetterAndAsAMetric(@TempDir Path dir) {
        String spec = "{\"task\":\"regression\",\"features\":1,\"standardize\":false,"
                + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":1e10}}";
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(ModelSpecs.parse(spec)));
            for (int i = 0; i < 40; i++) {
                h.event("m", "{\"features\":[1e17],\"label\":1e17}");
            }
            List<TestRecord<String, JsonNode>> dl = drain(h.deadLetter);
            assertThat(dl).isNotEmpty();
            assertThat(dl.get(0).value().get("reason").asText()).contains("divergence guard");
            h.command("m", "{\"command\":\"publish\"}");
            JsonNode metrics = last(drain(h.metrics), "m");
            assertThat(metrics.get("refused").asLong()).isEqualTo(dl.size());
            JsonNode snap = last(drain(h.parameters), "m");
            assertThat(snap.get("refused").asLong()).isEqualTo(dl.size());
            assertThat(Double.isFinite(snap.get("weights").get(0).doubleValue())).isTrue();
        }
    }
}
