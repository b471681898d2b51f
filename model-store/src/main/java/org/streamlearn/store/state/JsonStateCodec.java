package org.streamlearn.store.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.streamlearn.core.model.MlpModel;
import org.streamlearn.store.json.Json;

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
 *  "updatedAtMs": ...}
 * }</pre>
 *
 * A linear model's {@code weights} are {@code [d]} ({@code [classes][d]} for multiclass) and its
 * {@code intercept} a number ({@code [classes]}); an MLP's {@code layers} are its layers from the input side, each
 * weight matrix {@code [out][in]} and bias {@code [out]} ({@link MlpModel}). Optimizer slots and the batch
 * gradient are flat vectors in the model's parameter layout (linear: weights row by row, then intercepts; MLP:
 * every layer's weights, then every layer's biases). Non-finite numbers are refused before anything is written;
 * reading checks every field, names the one that is wrong, and refuses unknown fields and unknown schema
 * versions. {@link JsonStateWriter} writes the tree and {@link JsonStateReader} reads it; this class is the
 * public entry point and owns the text and byte forms.
 */
public final class JsonStateCodec {

    private JsonStateCodec() {
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
