package org.streamlearn.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamlearn.store.json.Json;

/** The merge of {@code GET /models}' fan-out: one sorted page of the cluster, instances that did not answer marked. */
class ModelsHandlerTest {

    private static List<ObjectNode> models(String... ids) {
        List<ObjectNode> out = new ArrayList<>();
        for (String id : ids) {
            out.add(Json.MAPPER.createObjectNode().put("model", id).put("seen", id.length()));
        }
        return out;
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("models").forEach(m -> out.add(m.path("model").asText()));
        return out;
    }

    @Test
    void mergesSortedAndMarksAnInstanceThatDidNotAnswer() {
        ObjectNode page = ModelsHandler.merge(List.of(
                new ModelsHandler.Page("a:1", models("m3", "m7"), false, null),
                new ModelsHandler.Page("b:1", null, false, "did not answer: connection refused"),
                new ModelsHandler.Page("c:1", models("m1", "m9"), false, null)), 100);
        assertThat(ids(page)).containsExactly("m1", "m3", "m7", "m9");
        assertThat(page.get("next").isNull()).isTrue();
        assertThat(page.get("complete").asBoolean()).isFalse();
        JsonNode instances = page.get("instances");
        assertThat(instances).hasSize(3);
        assertThat(instances.get(0).get("ok").asBoolean()).isTrue();
        assertThat(instances.get(0).get("models").asInt()).isEqualTo(2);
        assertThat(instances.get(1).get("url").asText()).isEqualTo("b:1");
        assertThat(instances.get(1).get("ok").asBoolean()).isFalse();
        assertThat(instances.get(1).get("error").asText()).contains("connection refused");
    }

    @Test
    void pagesAcrossInstancesWithoutLosingOrRepeatingAModel() {
        // three instances, each with their own sorted models; pages of 2 walk the whole cluster in order
        List<List<String>> held = List.of(List.of("a", "d", "e"), List.of("b", "f"), List.of("c", "g", "h"));
        List<String> seen = new ArrayList<>();
        String after = "";
        for (int i = 0; i < 10; i++) {
            List<ModelsHandler.Page> pages = new ArrayList<>();
            for (List<String> h : held) {
                String a = after;
                List<String> rest = h.stream().filter(id -> id.compareTo(a) > 0).toList();
                pages.add(new ModelsHandler.Page("x", models(rest.subList(0, Math.min(2, rest.size()))
                        .toArray(String[]::new)), rest.size() > 2, null));
            }
            ObjectNode page = ModelsHandler.merge(pages, 2);
            assertThat(page.get("complete").asBoolean()).isTrue();
            seen.addAll(ids(page));
            if (page.get("next").isNull()) {
                break;
            }
            after = page.get("next").asText();
        }
        assertThat(seen).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
    }
}
