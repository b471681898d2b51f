package org.streamlearn.store.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.streamlearn.core.model.MlpModel;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.LearnerConfigs;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * The JSON form of a {@link ModelState}, as published on {@code model-parameters} (DESIGN.md "Outputs"):
 *
 * <pre>{@code
 * {"schemaVersion": 1, "model": "m", "version": 1001, "seen": 1001, "updates": 1001, "refused": 0,
 *  "timedFlushes": 0, "spec": {...}, "weights": [..] | [[..]], "intercept": b | [..],   (linear)
 *  "layers": [{"weights": [[..]], "bias": [..]}, ...],                                   (mlp, instead)
 *  "optimizer": {"type": "adam", "step": 1001, "slots": {"m": [..], "v": [..]}},
 *  "scaler": {"count": [..], "mean": [..], "variance": [..]} | null,
 *  "batch": {"count": 3, "gradientSum": [..], "startedAtMs": ..}   (only while a batch is open)
 *  "metrics": {...sums...}, "rolling": {...}, "lastStep": {"gradientNorm", "learningRate"},
 *  "drift": {"detector": "adwin" | "page_hinkley", ...its state...}   (only with a spec's drift section)
 *  "champion": "main", "sinceChange": 812, "served": {...sums...},   (only with challengers in the spec:
 *  "challengers": [{"name", "seen", "updates", "refused", "timedFlushes", ...the learner fields above...}]
 *                                                 the top-level learner is the champion's, the list the others')
 *  "updatedAtMs": ...}
 * }</pre>
 *
 * A linear model's {@code weights} are {@code [d]} ({@code [classes][d]} for multiclass) and its
 * {@code intercept} a number ({@code [classes]}); an MLP's {@code layers} are its layers from the input side, each
 * weight matrix {@code [out][in]} and bias {@code [out]} ({@link MlpModel}). Optimizer slots and the batch
 * gradient are flat vectors in the model's parameter layout (linear: weights row by row, then intercepts; MLP:
 * every layer's weights, then every layer's biases). Non-finite numbers are refused before anything is written;
 * reading checks every field, names the one that is wrong, and refuses unknown fields and unknown schema
 * versions. The {@code drift} section (schema 1 still) is written only when the spec configures drift
 * detection ({@code DriftCodec} lists its fields), so every other snapshot is unchanged; read without one, a
 * spec with drift starts a fresh detector. {@link JsonStateWriter} writes the tree and {@link JsonStateReader} reads it; this class is the
 * public entry point and owns the text and byte forms.
 */
public final class JsonStateCodec {

    private JsonStateCodec() {
    }

    /** Longest JSON text of one {@code double} with its separator ({@code -2.2250738585072014E-308,}). */
    private static final long DOUBLE_CHARS = 25;
    /** Longest JSON text of one {@code long} with its separator. */
    private static final long LONG_CHARS = 21;
    /** Room for every field name, bracket and scalar of a snapshot (under 1 KiB measured), with margin. */
    private static final long FIXED_CHARS = 4096;

    /**
     * An upper bound of the size of {@link #toBytes} for any state of a model {@code modelId} with
     * {@code spec} (an open mini-batch and a full rolling window included), computed from the spec alone in
     * {@code long}: every number at its longest text, the id at its longest escaping.
     */
    public static long maxEncodedSize(String modelId, ModelSpec spec) {
        long specLength = ModelSpecs.toJsonString(spec).getBytes(StandardCharsets.UTF_8).length;
        long id = 6L * modelId.getBytes(StandardCharsets.UTF_8).length;
        long size = FIXED_CHARS + id + specLength + maxLearnerChars(spec)
                + DriftCodec.maxJsonSize(spec.drift() == null ? null : spec.drift().detector());
        for (var c : spec.challengers()) {
            size += FIXED_CHARS + maxLearnerChars(c.spec());
        }
        return size;
    }

    /** An upper bound of the text of one learner's numbers under {@code spec}. */
    private static long maxLearnerChars(ModelSpec spec) {
        long n = spec.parameterCount();
        long d = spec.standardize() ? spec.dimension() : 0;
        long slots = LearnerConfigs.optimizer(spec.optimizer()).slotNames().length;
        long doubles = n * (1 + slots + (spec.update().mode().equals("sample") ? 0 : 1)) + 2 * d
                + spec.metrics().window();
        long rowBrackets = 3 * n; // "[...]," around each row of a weight matrix: at most one row per parameter
        return DOUBLE_CHARS * doubles + LONG_CHARS * d + rowBrackets;
    }

    /** The snapshot as a JSON tree. */
    public static ObjectNode toJson(ModelState m) {
        return JsonStateWriter.toJson(m);
    }

    /** The snapshot as compact JSON text. */
    public static String toJsonString(ModelState m) {
        try {
            return Json.MAPPER.writeValueAsString(toJson(m));
        } catch (JsonProcessingException e) {
            throw new StateFormatException("snapshot", "cannot be written: " + e.getOriginalMessage(), e);
        }
    }

    /** The snapshot as UTF-8 JSON bytes. */
    public static byte[] toBytes(ModelState m) {
        try {
            return Json.MAPPER.writeValueAsBytes(toJson(m));
        } catch (JsonProcessingException e) {
            throw new StateFormatException("snapshot", "cannot be written: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads JSON text. */
    public static ModelState parse(String json) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StateFormatException("snapshot", "not valid JSON: " + (Json.isTrailingContent(e)
                    ? "unexpected content after the snapshot" : e.getOriginalMessage()), e);
        }
        return fromJson(n);
    }

    /** Reads a snapshot tree, checking every field. */
    public static ModelState fromJson(JsonNode o) {
        return JsonStateReader.fromJson(o);
    }
}
