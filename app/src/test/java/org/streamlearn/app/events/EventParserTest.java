package org.streamlearn.app.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.streamlearn.store.json.Json;

/** The streaming fast path parses exactly what the tree parser does, and declines everything doubtful. */
class EventParserTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"features\":[1,2.5,-3e-7],\"label\":4}",
        "{\"label\":0.1,\"features\":[0.30000000000000004, 1e300]}",
        "{\"features\":{\"a\":1,\"b\":-2.5},\"label\":true,\"weight\":0.5,\"id\":\"e1\",\"model\":\"m\"}",
        "{\"features\":[1],\"label\":\"cat\"}",
        "  {\"features\":[9007199254740993],\"label\":false}  "})
    void theFastPathAgreesWithTheTreeParser(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ParsedEvent fast = EventParser.fast(b, true);
        ParsedEvent tree = EventParser.parse(treeOf(json), true);
        assertThat(fast).isNotNull();
        ParsedEvent text = EventParser.fast(json, true);
        assertThat(text.dense()).isEqualTo(fast.dense());
        assertThat(text.named()).isEqualTo(fast.named());
        assertThat(Double.doubleToLongBits(text.label())).isEqualTo(Double.doubleToLongBits(fast.label()));
        assertThat(fast.dense()).isEqualTo(tree.dense());
        assertThat(fast.named()).isEqualTo(tree.named());
        assertThat(Double.doubleToLongBits(fast.label())).isEqualTo(Double.doubleToLongBits(tree.label()));
        assertThat(fast.labelText()).isEqualTo(tree.labelText());
        assertThat(fast.weight()).isEqualTo(tree.weight());
        assertThat(fast.id()).isEqualTo(tree.id());
        assertThat(fast.model()).isEqualTo(tree.model());
    }

    /**
     * The fast path's numbers (Jackson's FastDoubleParser) are {@link Double#parseDouble}'s, bit for bit, in every
     * form a producer writes: shortest round trip, 17 significant digits, fixed point, exponents, subnormals.
     */
    @Test
    void theFastPathReadsEveryNumberAsDoubleParseDoubleDoes() {
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 20_000; i++) {
            double x = switch (i % 4) {
                case 0 -> random.nextGaussian();
                case 1 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL); // any finite magnitude
                case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(-320, 300));
                default -> random.nextInt(-1_000_000, 1_000_000) / 1000.0;
            };
            String[] forms = {Double.toString(x), String.format(Locale.ROOT, "%.17g", x),
                String.format(Locale.ROOT, "%.6f", x), String.format(Locale.ROOT, "%.12e", x)};
            for (String form : forms) {
                byte[] json = ("{\"features\":[" + form + "],\"label\":" + form + "}").getBytes(StandardCharsets.UTF_8);
                ParsedEvent e = EventParser.fast(json, true);
                assertThat(e).as(form).isNotNull();
                long expected = Double.doubleToRawLongBits(Double.parseDouble(form));
                assertThat(Double.doubleToRawLongBits(e.dense()[0])).as(form).isEqualTo(expected);
                assertThat(Double.doubleToRawLongBits(e.label())).as(form).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"features\":[1,NaN],\"label\":1}",
        "{\"features\":[1,\"x\"],\"label\":1}",
        "{\"features\":[],\"label\":1}",
        "{\"features\":{},\"label\":1}",
        "{\"features\":[1],\"label\":1,\"extra\":2}",
        "{\"features\":[1],\"label\":1,\"label\":2}",
        "{\"features\":[1]}",
        "{\"features\":[1],\"label\":1} trailing",
        "[1,2]",
        "{\"features\":[1e400],\"label\":1}",
        "{\"features\":[1],\"label\":1,\"weight\":-1}",
        "{\"features\":[1],\"label\":null}",
        "{\"features\":[1],\"label\":1,\"id\":7}"})
    void theFastPathDeclinesWhatTheTreeParserMustJudge(String json) {
        assertThat(EventParser.fast(json.getBytes(StandardCharsets.UTF_8), true)).isNull();
    }

    /** A key given twice or anything after the object is refused with the reason, never read as the last value. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {"label":1,"label":0}                                 | Duplicate field 'label'
        {"features":[1],"label":1,"label":0}                  | Duplicate field 'label'
        {"features":{"a":1,"b":2,"a":3},"label":1}            | Duplicate field 'a'
        {"features":[1],"label":1} garbage                    | Unrecognized token 'garbage'
        {"features":[1],"label":1}{"features":[2],"label":0}  | unexpected content after the event
        {"features":[1],"label":1} [2]                        | unexpected content after the event
        """)
    void trainingEventsWithADuplicatedKeyOrTrailingContentAreRefused(String json, String reason) {
        assertThatThrownBy(() -> EventParser.parseTraining(json)).isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("event: not valid JSON: ").hasMessageContaining(reason);
        assertThatThrownBy(() -> EventParser.parseTraining(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("event: not valid JSON: ").hasMessageContaining(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {"features":[1],"id":"a","id":"b"}    | Duplicate field 'id'
        {"features":{"a":1,"a":2}}            | Duplicate field 'a'
        {"features":[1]} garbage              | Unrecognized token 'garbage'
        {"features":[1]}{"features":[2]}      | unexpected content after the event
        """)
    void predictionRequestsWithADuplicatedKeyOrTrailingContentAreRefused(String json, String reason) {
        assertThatThrownBy(() -> EventParser.parseRequest(json)).isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("event: not valid JSON: ").hasMessageContaining(reason);
        assertThatThrownBy(() -> EventParser.parseRequest(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("event: not valid JSON: ").hasMessageContaining(reason);
    }

    private static com.fasterxml.jackson.databind.JsonNode treeOf(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
