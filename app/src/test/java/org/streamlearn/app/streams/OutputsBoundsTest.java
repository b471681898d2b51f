package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.streamlearn.store.json.Json;

/** Every dead letter is bounded, however large or escape-heavy the bad record is. */
class OutputsBoundsTest {

    static final int MAX = 64 * 1024;

    private static JsonNode dl(String key, String field, String reason, byte[] original, int max) throws Exception {
        byte[] bytes = Outputs.bytes(Outputs.deadLetter(key, "training-events", 3, 42, field, reason, original, max, 7));
        assertThat(bytes.length).as("the whole record").isLessThan(max + 4096);
        return Json.MAPPER.readTree(bytes);
    }

    @Test
    void a900KbEventOfControlBytesIsCutToTheBoundAsWritten() throws Exception {
        byte[] control = new byte[900 * 1024];
        Arrays.fill(control, (byte) 1);
        JsonNode d = dl("m", "event", "event: not valid JSON", control, MAX);
        assertThat(d.get("truncated").booleanValue()).isTrue();
        assertThat(d.get("originalBytes").asInt()).isEqualTo(control.length);
        assertThat(d.get("original").asText()).hasSize(MAX / 6).matches("\u0001+");
        assertThat(d.get("source").get("partition").asInt()).isEqualTo(3);
        assertThat(d.get("source").get("offset").asLong()).isEqualTo(42);
    }

    @Test
    void aSmallOriginalIsCopiedWholeAndMarkedNotTruncated() throws Exception {
        String v = "{\"features\":[1,2],\"label\":\"\\u00e9\"}\n";
        JsonNode d = dl("m", "label", "label: x", v.getBytes(StandardCharsets.UTF_8), MAX);
        assertThat(d.get("original").asText()).isEqualTo(v);
        assertThat(d.get("truncated").booleanValue()).isFalse();
    }

    @Test
    void theCutNeverSplitsACharacterAndCountsMultiByteCharacters() throws Exception {
        String v = "é😀".repeat(10_000);
        JsonNode d = dl("m", "event", "r", v.getBytes(StandardCharsets.UTF_8), 1000);
        String copy = d.get("original").asText();
        assertThat(v).startsWith(copy);
        assertThat(copy.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1000).isGreaterThan(990);
        assertThat(d.get("truncated").booleanValue()).isTrue();
    }

    @Test
    void binaryIsCopiedAsBase64WithinTheBound() throws Exception {
        byte[] bin = new byte[200_000];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) (0x80 + i % 64);
        }
        JsonNode d = dl("m", "event", "r", bin, MAX);
        assertThat(d.has("original")).isFalse();
        String b64 = d.get("originalBase64").asText();
        assertThat(b64.length()).isLessThanOrEqualTo(MAX);
        assertThat(Base64.getDecoder().decode(b64)).isEqualTo(Arrays.copyOf(bin, MAX / 4 * 3));
        assertThat(d.get("truncated").booleanValue()).isTrue();
    }

    @Test
    void aHugeKeyFieldAndReasonAreCut() throws Exception {
        String key = "k".repeat(600_000);
        JsonNode d = dl(key, "f".repeat(100_000), "r".repeat(100_000), "{}".getBytes(StandardCharsets.UTF_8), MAX);
        assertThat(d.get("model").asText()).startsWith("kkk").endsWith("…(+599744 chars)");
        assertThat(d.get("field").asText().length()).isLessThan(300);
        assertThat(d.get("reason").asText().length()).isLessThan(Outputs.MAX_REASON_CHARS + 30);
    }

    @Test
    void aZeroBoundKeepsOnlyTheSource() throws Exception {
        JsonNode d = dl("m", "event", "r", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(d.get("original").asText()).isEmpty();
        assertThat(d.get("truncated").booleanValue()).isTrue();
    }
}
