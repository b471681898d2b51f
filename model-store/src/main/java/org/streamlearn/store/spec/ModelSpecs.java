package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.streamlearn.store.json.Json;

/**
 * The JSON form of {@link ModelSpec} (DESIGN.md "Model spec"): {@link #parse} and
 * {@link #fromTree} read it strictly, filling in defaults; {@link #toJson} writes every field
 * explicitly. Any problem is a {@link SpecException} naming the field by its JSON path: an
 * unknown field, a field that does not belong to the chosen type, a wrong JSON type, a
 * {@code null} where none is allowed, an out-of-range value. Only the first problem is reported.
 *
 * <p>This class is the entry point; {@code SpecReader} reads the sections, with {@code SpecObject}'s
 * strict field access, and {@code SpecWriter} writes them.
 */
public final class ModelSpecs {

    private ModelSpecs() {
    }

    /**
     * Parses and validates a spec.
     *
     * @param json the spec as JSON text
     * @return the spec, defaults filled in
     * @throws SpecException if the text is not JSON or not a valid spec
     */
    public static ModelSpec parse(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String problem = Json.isTrailingContent(e) ? "unexpected content after the spec" : e.getOriginalMessage();
            throw CHECKS.fail("", "malformed JSON: " + problem + at(e.getLocation()));
        }
        return fromTree(tree);
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Validates a spec already read as a JSON tree.
     *
     * @param node the spec, a JSON object
     * @return the spec, defaults filled in
     * @throws SpecException if {@code node} is not a valid spec
     */
    public static ModelSpec fromTree(JsonNode node) {
        return SpecReader.read(node);
    }

    /**
     * Writes a spec with every field explicit, in DESIGN.md's order: only the fields of the chosen
     * types, {@code null} for an unset {@code interceptLearningRate} or {@code clipNorm},
     * {@code features} or {@code hashBits} (whichever is set), {@code classes} and
     * {@code classNames} only when set. {@code huberDelta} is written for the huber loss, and for
     * other losses only when it is not the default. {@code parse(toJsonString(s))} equals {@code s}.
     */
    public static ObjectNode toJson(ModelSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return SpecWriter.write(spec);
    }

    /** {@link #toJson} as compact JSON text. */
    public static String toJsonString(ModelSpec spec) {
        try {
            return Json.MAPPER.writeValueAsString(toJson(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /**
     * Whether changing a model's spec from {@code old} to {@code neu} starts it afresh (DESIGN.md
     * "Model command": a change of task, dimension or architecture). True when the task, the
     * input ({@code features} or {@code hashBits}, compared as given: dense and hashed inputs of
     * equal size still differ), {@code classes} or the architecture (any of its fields) differ;
     * any other change keeps the learned state.
     */
    public static boolean requiresRestart(ModelSpec old, ModelSpec neu) {
        Objects.requireNonNull(old, "old");
        Objects.requireNonNull(neu, "neu");
        return old.task() != neu.task()
                || !Objects.equals(old.features(), neu.features())
                || !Objects.equals(old.hashBits(), neu.hashBits())
                || !Objects.equals(old.classes(), neu.classes())
                || !old.architecture().equals(neu.architecture());
    }
}
