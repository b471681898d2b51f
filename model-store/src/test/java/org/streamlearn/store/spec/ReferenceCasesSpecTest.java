package org.streamlearn.store.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.streamlearn.store.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every spec of the shared reference cases parses and is written back unchanged. */
class ReferenceCasesSpecTest {

    private static final Path CASES =
            Path.of(System.getProperty("user.dir")).resolve("../testdata/reference/cases.json").normalize();

    static JsonNode cases() throws IOException {
        if (!Files.isRegularFile(CASES)) {
            throw new AssertionError("reference cases not found at " + CASES
                    + " (expected /work/shared/reference/cases.json; run the build from the model-store module dir)");
        }
        return Json.MAPPER.readTree(CASES.toFile()).get("cases");
    }

    static Stream<Arguments> specs() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : cases()) {
            out.add(Arguments.of(c.get("name").asText(), c.get("spec")));
        }
        return out.stream();
    }

    @Test
    void casesArePresent() throws IOException {
        assertThat(cases()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void parsesAndIsWrittenBackUnchanged(String name, JsonNode original) throws IOException {
        ModelSpec spec = ModelSpecs.parse(Json.MAPPER.writeValueAsString(original));
        assertThat(ModelSpecs.fromTree(original)).isEqualTo(spec);

        ObjectNode written = ModelSpecs.toJson(spec);
        ObjectNode expected = withExplicitHuberDelta((ObjectNode) original);
        assertThat(written).isEqualTo(expected);
        // same field order and number formatting, not just the same tree
        assertThat(ModelSpecs.toJsonString(spec)).isEqualTo(Json.MAPPER.writeValueAsString(expected));
        assertThat(ModelSpecs.parse(ModelSpecs.toJsonString(spec))).isEqualTo(spec);
    }

    /**
     * The huber cases leave {@code huberDelta} at its default unwritten; {@code toJson} writes
     * every field of the chosen loss, so it adds {@code "huberDelta": 1.0} right after {@code loss}.
     */
    private static ObjectNode withExplicitHuberDelta(ObjectNode original) {
        if (!original.get("loss").asText().equals("huber") || original.has("huberDelta")) {
            return original;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : original.properties()) {
            copy.set(e.getKey(), e.getValue());
            if (e.getKey().equals("loss")) {
                copy.put("huberDelta", 1.0);
            }
        }
        return copy;
    }
}
