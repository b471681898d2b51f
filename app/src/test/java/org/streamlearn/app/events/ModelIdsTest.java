package org.streamlearn.app.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one model-id rule: 1 to 255 characters of valid Unicode, no control characters. */
class ModelIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"m", "a/b", "a+b", "50%", "<img src=x onerror=alert(1)>", "modèle", "模型", "😀", " "})
    void validIds(String id) {
        assertThat(ModelIds.problem(id)).isNull();
        assertThat(ModelIds.check(id, "key")).isEqualTo(id);
    }

    @Test
    void theBoundsCountCharactersNotChars() {
        assertThat(ModelIds.isValid("x".repeat(255))).isTrue();
        assertThat(ModelIds.isValid("😀".repeat(255))).as("255 code points, 510 chars").isTrue();
        assertThat(ModelIds.problem("x".repeat(256))).isEqualTo("longer than 255 characters (256)");
        assertThat(ModelIds.problem("😀".repeat(256))).startsWith("longer than 255 characters");
    }

    @Test
    void controlCharactersAreRefused() {
        assertThat(ModelIds.problem("a\u0000b")).isEqualTo("control character U+0000 at index 1");
        assertThat(ModelIds.problem("\u007f")).isEqualTo("control character U+007F at index 0");
        assertThat(ModelIds.problem("a\u0085")).isEqualTo("control character U+0085 at index 1");
        assertThat(ModelIds.problem("a\tb")).isEqualTo("control character U+0009 at index 1");
    }

    @Test
    void emptyMissingInvalidUtf8AndLoneSurrogatesAreRefused() {
        assertThat(ModelIds.problem("")).startsWith("empty");
        assertThat(ModelIds.problem(null)).isEqualTo("missing");
        String badUtf8 = new String(new byte[] {'a', (byte) 0xff, 'b'}, StandardCharsets.UTF_8);
        assertThat(ModelIds.problem(badUtf8)).startsWith("not valid UTF-8");
        assertThat(ModelIds.problem("a\ud800b")).startsWith("not valid Unicode");
        assertThat(ModelIds.problem("a\udc00")).startsWith("not valid Unicode");
    }

    @Test
    void theErrorNamesTheFieldAndShowsAHugeIdBounded() {
        String huge = "k".repeat(600_000);
        assertThatThrownBy(() -> ModelIds.check(huge, "key")).isInstanceOf(InvalidEventException.class)
                .satisfies(e -> {
                    InvalidEventException ie = (InvalidEventException) e;
                    assertThat(ie.field()).isEqualTo("key");
                    assertThat(ie.getMessage()).startsWith("key: not a valid model id: ")
                            .contains("longer than 255 characters (600000)").contains("…(+599744 chars)");
                    assertThat(ie.getMessage().length()).isLessThan(400);
                });
    }

    @Test
    void displayEscapesControlCharactersAndCutsLongText() {
        assertThat(ModelIds.display("plain")).isEqualTo("plain");
        assertThat(ModelIds.display("a\u0001b")).isEqualTo("a\\u0001b");
        assertThat(ModelIds.display("\u0001".repeat(1000))).hasSize(256 * 6 + "…(+744 chars)".length());
        assertThat(ModelIds.display(null)).isNull();
    }
}
