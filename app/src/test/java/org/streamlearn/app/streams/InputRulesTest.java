package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.streamlearn.app.streams.TopologyHarness.drain;
import static org.streamlearn.app.streams.TopologyHarness.last;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * Issue 15's input rules through the topology: model ids, the {@code model} field, bounded weights, no model
 * from a rejected event, precise reasons for ambiguous JSON, named features named, bounded dead letters.
 */
class InputRulesTest {

    static final String GOOD = "{\"features\":[1,2],\"label\":1}";

    private static JsonNode onlyDeadLetter(TopologyHarness h) {
        List<TestRecord<String, JsonNode>> dl = drain(h.deadLetter);
        assertThat(dl).hasSize(1);
        return dl.get(0).value();
    }

    private static JsonNode lastOf(List<TestRecord<String, JsonNode>> records) {
        assertThat(records).isNotEmpty();
        return records.get(records.size() - 1).value();
    }

    @Test
    void badKeysAreDeadLettersOnEveryInputAndCreateNothing(@TempDir Path dir) {
        String invalidUtf8 = new String(new byte[] {'m', (byte) 0xc3, (byte) 0x28}, StandardCharsets.UTF_8);
        try (TopologyHarness h = new TopologyHarness(dir)) {
            for (String key : List.of("", "k".repeat(256), "a\u0000b", "a\nb", invalidUtf8)) {
                h.event(key, GOOD);
                JsonNode d = onlyDeadLetter(h);
                assertThat(d.get("field").asText()).as(key).isEqualTo("key");
                assertThat(d.get("reason").asText()).as(key).startsWith("key: not a valid model id: ");
                h.command(key, "{\"command\":\"upsert\",\"spec\":" + DeadLetterTest.REG + "}");
                assertThat(onlyDeadLetter(h).get("field").asText()).isEqualTo("key");
                h.request(key, "{\"id\":\"r\",\"features\":[1,2]}");
                JsonNode p = lastOf(drain(h.predictions));
                assertThat(p.get("error").get("field").asText()).isEqualTo("key");
                assertThat(p.get("id").asText()).isEqualTo("r");
            }
            assertThat(drain(h.parameters)).isEmpty();
        }
    }

    @Test
    void aHugeKeyWithAValidEventGivesOneBoundedDeadLetter(@TempDir Path dir) {
        String key = "k".repeat(600_000);
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.event(key, GOOD);
            List<TestRecord<String, JsonNode>> dl = drain(h.deadLetter);
            assertThat(dl).hasSize(1);
            assertThat(dl.get(0).key().length()).isLessThan(300);
            assertThat(dl.get(0).value().get("model").asText()).endsWith("…(+599744 chars)");
            assertThat(dl.get(0).value().get("reason").asText()).contains("longer than 255 characters (600000)")
                    .hasSizeLessThan(Outputs.MAX_REASON_CHARS + 30);
            assertThat(drain(h.parameters)).isEmpty();
        }
    }

    @Test
    void theModelFieldMustEqualTheKeyForRequestsToo(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.event("m", GOOD);
            h.request(null, "{\"id\":\"r1\",\"features\":[1,2],\"model\":\"m\"}");
            JsonNode p = lastOf(drain(h.predictions));
            assertThat(p.get("error").get("field").asText()).isEqualTo("key");
            assertThat(p.get("error").get("reason").asText()).contains("key the record by its model id");
            h.request("m", "{\"id\":\"r2\",\"features\":[1,2],\"model\":\"other\"}");
            JsonNode q = last(drain(h.predictions), "m");
            assertThat(q.get("error").get("field").asText()).isEqualTo("model");
            h.request("m", "{\"id\":\"r3\",\"features\":[1,2],\"model\":\"m\"}");
            assertThat(last(drain(h.predictions), "m").has("prediction")).isTrue();
        }
    }

    @Test
    void aRejectedFirstEventCreatesNoModel(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            for (String bad : List.of("{\"features\":[1,2],\"label\":1,\"weight\":1e300}",
                    "{\"features\":[1e300,2],\"label\":1}", "{\"features\":[1,2],\"label\":\"cat\"}",
                    "{\"features\":{\"a\":1},\"label\":1}")) {
                h.event("fresh", bad);
                assertThat(drain(h.deadLetter)).as(bad).hasSize(1);
                assertThat(drain(h.parameters)).as(bad).isEmpty();
            }
            h.command("fresh", "{\"command\":\"publish\"}");
            assertThat(onlyDeadLetter(h).get("reason").asText()).contains("no model 'fresh'");
            h.event("fresh", GOOD);
            assertThat(last(drain(h.parameters), "fresh").get("seen").asLong()).isZero();
        }
    }

    @Test
    void aWeightOf1e300IsRefusedAndTheModelKeepsLearning(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(ModelSpecs.parse(DeadLetterTest.REG)));
            h.event("m", GOOD);
            drain(h.parameters);
            h.event("m", "{\"features\":[1,2],\"label\":1,\"weight\":1e300}");
            JsonNode d = onlyDeadLetter(h);
            assertThat(d.get("field").asText()).isEqualTo("weight");
            assertThat(d.get("reason").asText()).contains("exceeds 1.0E18");
            h.event("m", "{\"features\":[-1,2],\"label\":0}");
            h.command("m", "{\"command\":\"publish\"}");
            JsonNode snap = last(drain(h.parameters), "m");
            assertThat(snap.get("seen").asLong()).isEqualTo(2);
            assertThat(Math.abs(snap.get("weights").get(0).doubleValue())).isLessThan(10);
        }
    }

    @Test
    void aBadNamedFeatureIsNamedNotItsHashedSlot(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("h", ModelSpecs.toJson(ModelSpecs.parse("{\"task\":\"regression\",\"hashBits\":5}")));
            h.event("h", "{\"features\":{\"price\":1e300,\"qty\":2},\"label\":1}");
            JsonNode d = onlyDeadLetter(h);
            assertThat(d.get("field").asText()).isEqualTo("features.price");
            assertThat(d.get("reason").asText()).startsWith("features.price: magnitude 1.0E300 exceeds")
                    .contains("hashed into slot");
            h.request("h", "{\"id\":\"r\",\"features\":{\"qty\":-5e200}}");
            assertThat(last(drain(h.predictions), "h").get("error").get("field").asText()).isEqualTo("features.qty");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        training-events | {"features":[1,2],"label":1,"label":0}                  | event   | the key label is given twice
        training-events | {"features":{"a":1,"a":2},"label":1}                    | event   | the key features.a is given twice
        training-events | {"features":[1,2],"label":1}{"features":[1,2],"label":0} | event | a second JSON value
        training-events | {"features":[1,2],"label":1} x                          | event   | after the event
        training-events | {"features":[1,2],"label":1} 7                          | event   | a trailing token
        model-commands  | {"command":"reset","command":"delete"}                  | command | the key command is given twice
        model-commands  | {"command":"upsert","spec":{"task":"regression","task":"binary","features":2}} | command | the key spec.task is given twice
        model-commands  | {"command":"reset"}{"command":"delete"}                 | command | a second JSON value
        model-commands  | {"command":"reset"} ]                                   | command | after the command
        """)
    void ambiguousJsonIsADeadLetterWithAPreciseReason(String topic, String value, String field, String reason,
            @TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(ModelSpecs.parse(DeadLetterTest.REG)));
            drain(h.parameters);
            if (topic.equals("training-events")) {
                h.event("m", value);
            } else {
                h.command("m", value);
            }
            JsonNode d = onlyDeadLetter(h);
            assertThat(d.get("field").asText()).isEqualTo(field);
            assertThat(d.get("reason").asText()).contains(reason);
            assertThat(drain(h.parameters)).isEmpty();
        }
    }
}
