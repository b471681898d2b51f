package org.streamlearn.app.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The streaming fast path and the tree parser agree on ambiguous JSON: the fast path declines it, and the tree
 * parser refuses it with the precise reason of {@link JsonErrors}.
 */
class StrictParsingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {"features":[1,2],"label":1,"label":0}                   | the key label is given twice
        {"features":{"a":1,"b":2,"a":3},"label":1}               | the key features.a is given twice
        {"features":[1,2],"features":[1,2,3],"label":1}          | the key features is given twice
        {"features":[1,2],"label":1,"weight":1,"weight":2}        | the key weight is given twice
        {"features":[1,2],"label":1,"id":"a","id":"b"}            | the key id is given twice
        {"features":[1,2],"label":1}{"features":[3,4],"label":0}  | a second JSON value (concatenated values are refused
        {"features":[1,2],"label":1}[1]                          | a second JSON value
        {"features":[1,2],"label":1} 5                           | a trailing token
        {"features":[1,2],"label":1} nope                        | after the event (unexpected content after the event
        """)
    void theFastPathDeclinesAndTheTreeParserNamesTheProblem(String json, String reason) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(EventParser.fast(bytes, true)).isNull();
        assertThat(EventParser.fast(json, true)).isNull();
        assertThatThrownBy(() -> EventParser.parseTraining(bytes)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reason);
        assertThatThrownBy(() -> EventParser.parseTraining(json)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        1024 | true
        1025 | false
        """)
    void anIdIsAtMost1024Characters(int n, boolean ok) {
        String json = "{\"id\":\"" + "i".repeat(n) + "\",\"features\":[1,2]}";
        assertThat(EventParser.fast(json.getBytes(StandardCharsets.UTF_8), false) != null).isEqualTo(ok);
        if (ok) {
            assertThat(EventParser.parseRequest(json).id()).hasSize(n);
        } else {
            assertThatThrownBy(() -> EventParser.parseRequest(json)).isInstanceOf(InvalidEventException.class)
                    .hasMessage("id: longer than 1024 characters (1025)");
        }
    }
}
