package org.streamlearn.app.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Parses DESIGN.md's event JSON: {@code {"features": [..] | {"name": number}, "label": number|boolean|string,
 * "weight"?: number, "id"?: string, "model"?: string}}. Every error names the field. Non-numeric number tokens
 * (NaN, Infinity) are read so that the error can name where they stand; they are then refused like numbers
 * too large for a double.
 */
public final class EventParser {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final Set<String> TRAINING_FIELDS = Set.of("features", "label", "weight", "id", "model");
    private static final Set<String> REQUEST_FIELDS = Set.of("features", "id", "model");

    private EventParser() {
    }

    /** A training event from UTF-8 JSON bytes. */
    public static ParsedEvent parseTraining(byte[] json) {
        return parse(tree(json), true);
    }

    /** A training event from JSON text. */
    public static ParsedEvent parseTraining(String json) {
        return parse(tree(json), true);
    }

    /** A prediction request from UTF-8 JSON bytes ({@code label} not allowed). */
    public static ParsedEvent parseRequest(byte[] json) {
        return parse(tree(json), false);
    }

    /** A prediction request from JSON text. */
    public static ParsedEvent parseRequest(String json) {
        return parse(tree(json), false);
    }

    private static JsonNode tree(byte[] json) {
        if (json == null || json.length == 0) {
            throw new InvalidEventException("event", "empty record");
        }
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidEventException("event", "not valid JSON: " + oneLine(e));
        }
    }

    private static JsonNode tree(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidEventException("event", "empty record");
        }
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("event", "not valid JSON: " + oneLine(e));
        }
    }

    private static String oneLine(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    /** Parses an already-read tree. */
    public static ParsedEvent parse(JsonNode n, boolean training) {
        if (n == null || n.isMissingNode()) {
            throw new InvalidEventException("event", "empty record");
        }
        if (!n.isObject()) {
            throw new InvalidEventException("event", "must be a JSON object, got " + kind(n));
        }
        Set<String> allowed = training ? TRAINING_FIELDS : REQUEST_FIELDS;
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new InvalidEventException(f, "unknown field (expected " + String.join(", ",
                        new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        JsonNode f = n.get("features");
        if (f == null || f.isNull()) {
            throw new InvalidEventException("features", "missing");
        }
        double[] dense = null;
        Map<String, Double> named = null;
        if (f.isArray()) {
            if (f.isEmpty()) {
                throw new InvalidEventException("features", "empty");
            }
            dense = new double[f.size()];
            for (int i = 0; i < dense.length; i++) {
                dense[i] = number(f.get(i), "features[" + i + "]");
            }
        } else if (f.isObject()) {
            if (f.isEmpty()) {
                throw new InvalidEventException("features", "empty feature map");
            }
            named = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                named.put(e.getKey(), number(e.getValue(), "features." + e.getKey()));
            }
        } else {
            throw new InvalidEventException("features", "must be an array of numbers or an object of named numbers, got "
                    + kind(f));
        }
        double label = Double.NaN;
        String labelText = null;
        boolean hasLabel = false;
        if (training) {
            JsonNode l = n.get("label");
            if (l == null || l.isNull()) {
                throw new InvalidEventException("label", "missing");
            }
            hasLabel = true;
            if (l.isBoolean()) {
                label = l.booleanValue() ? 1.0 : 0.0;
            } else if (l.isTextual()) {
                labelText = l.textValue();
            } else if (l.isNumber()) {
                label = number(l, "label");
            } else {
                throw new InvalidEventException("label", "must be a number, a boolean or a class name, got " + kind(l));
            }
        }
        double weight = 1.0;
        JsonNode w = n.get("weight");
        if (w != null && !w.isNull()) {
            weight = number(w, "weight");
            if (weight < 0) {
                throw new InvalidEventException("weight", "must be >= 0, got " + weight);
            }
        }
        return new ParsedEvent(dense, named, label, labelText, hasLabel, weight, text(n, "id"), text(n, "model"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new InvalidEventException(field, "must be a string, got " + kind(v));
        }
        return v.asText();
    }

    private static double number(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            throw new InvalidEventException(field, "must be a number, got null");
        }
        if (!v.isNumber()) {
            throw new InvalidEventException(field, "must be a number, got " + kind(v));
        }
        double d = v.doubleValue();
        if (Double.isNaN(d)) {
            throw new InvalidEventException(field, "NaN is not allowed");
        }
        if (Double.isInfinite(d)) {
            throw new InvalidEventException(field, "must be finite, got " + v.asText());
        }
        return d;
    }

    static String kind(JsonNode v) {
        if (v.isTextual()) {
            String t = v.textValue();
            return "string \"" + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "\"";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isBoolean()) {
            return "boolean " + v.asText();
        }
        if (v.isNull()) {
            return "null";
        }
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + v.asText();
    }
}
