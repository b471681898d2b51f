package org.streamlearn.app.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.streamlearn.store.json.Json;

/**
 * Parses DESIGN.md's event JSON: {@code {"features": [..] | {"name": number}, "label": number|boolean|string,
 * "weight"?: number, "id"?: string, "model"?: string}}. Every error names the field. Non-numeric number tokens
 * (NaN, Infinity) are read so that the error can name where they stand; they are then refused like numbers
 * too large for a double. Reads go through the shared strict {@link Json#MAPPER}: a key given twice (the label,
 * a named feature) or anything after the event's object is refused, never read as "whichever came last", with
 * the precise reason of {@link JsonErrors}. An {@code id} has at most {@value #MAX_ID_CHARS} characters. The
 * {@code model} field is only read here; the lifecycle honours it only when it equals the record key.
 */
public final class EventParser {

    private static final Set<String> TRAINING_FIELDS = Set.of("features", "label", "weight", "id", "model");
    private static final Set<String> REQUEST_FIELDS = Set.of("features", "id", "model");

    /** The longest event or request {@code id}, in UTF-16 chars (a request's id is echoed in its answer). */
    public static final int MAX_ID_CHARS = 1024;

    private EventParser() {
    }

    /** A training event from UTF-8 JSON bytes. */
    public static ParsedEvent parseTraining(byte[] json) {
        ParsedEvent fast = fast(json, true);
        return fast != null ? fast : parse(tree(json), true);
    }

    /**
     * The streaming fast path for well-formed events: one pass of Jackson's token parser, no tree. It accepts
     * only what is plainly valid (known fields once each, finite numbers, the right token types, nothing after
     * the object) and returns null for anything else, which the tree-based parser then reports precisely.
     */
    static ParsedEvent fast(byte[] json, boolean training) {
        if (json == null || json.length == 0) {
            return null;
        }
        try (JsonParser p = fastParser(json)) {
            return fast(p, training);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A token parser of the shared configuration without Jackson's duplicate-key detector: the fast path finds a
     * repeated field or named feature itself (and then declines), so the hot path does not pay for a second set
     * of names per object. Numbers go through Jackson's bundled FastDoubleParser, which rounds correctly, as
     * {@link Double#parseDouble} does (the same double, bit for bit), at a fraction of the JDK's cost on the
     * long decimals events carry (a third of a stream thread's time went there: docs/benchmarks.md).
     */
    private static JsonParser fastParser(byte[] json) throws IOException {
        return tune(Json.MAPPER.createParser(json));
    }

    private static JsonParser fastParser(String json) throws IOException {
        return tune(Json.MAPPER.createParser(json));
    }

    private static JsonParser tune(JsonParser p) {
        return p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
    }

    /** The fast path on text (backtest files), with the same parser as on bytes. */
    static ParsedEvent fast(String json, boolean training) {
        if (json == null || json.isEmpty()) {
            return null;
        }
        try (JsonParser p = fastParser(json)) {
            return fast(p, training);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static ParsedEvent fast(JsonParser p, boolean training) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        double[] dense = null;
        Map<String, Double> named = null;
        double label = Double.NaN;
        String labelText = null;
        boolean hasLabel = false;
        double weight = 1.0;
        boolean hasWeight = false;
        String id = null;
        String model = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "features" -> {
                    if (dense != null || named != null) {
                        return null;
                    }
                    if (v == JsonToken.START_ARRAY) {
                        dense = denseFeatures(p);
                        if (dense == null) {
                            return null;
                        }
                    } else if (v == JsonToken.START_OBJECT) {
                        named = namedFeatures(p);
                        if (named == null) {
                            return null;
                        }
                    } else {
                        return null;
                    }
                }
                case "label" -> {
                    if (!training || hasLabel) {
                        return null;
                    }
                    hasLabel = true;
                    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                        label = p.getDoubleValue();
                        if (!Double.isFinite(label)) {
                            return null;
                        }
                    } else if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        label = v == JsonToken.VALUE_TRUE ? 1.0 : 0.0;
                    } else if (v == JsonToken.VALUE_STRING) {
                        labelText = p.getText();
                    } else {
                        return null;
                    }
                }
                case "weight" -> {
                    if (!training || hasWeight || (v != JsonToken.VALUE_NUMBER_INT
                            && v != JsonToken.VALUE_NUMBER_FLOAT)) {
                        return null;
                    }
                    hasWeight = true;
                    weight = p.getDoubleValue();
                    if (!(weight >= 0 && weight < Double.POSITIVE_INFINITY)) {
                        return null;
                    }
                }
                case "id" -> {
                    if (id != null || v != JsonToken.VALUE_STRING || p.getTextLength() > MAX_ID_CHARS) {
                        return null;
                    }
                    id = p.getText();
                }
                case "model" -> {
                    if (model != null || v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    model = p.getText();
                }
                default -> {
                    return null;
                }
            }
        }
        if (t != JsonToken.END_OBJECT || p.nextToken() != null || (dense == null && named == null)
                || (training && !hasLabel)) {
            return null;
        }
        return new ParsedEvent(dense, named, label, labelText, hasLabel, weight, id, model);
    }

    private static double[] denseFeatures(JsonParser p) throws IOException {
        double[] buf = new double[16];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                return null;
            }
            double v = p.getDoubleValue();
            if (!Double.isFinite(v)) {
                return null;
            }
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = v;
        }
        return n == 0 ? null : (n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
    }

    private static Map<String, Double> namedFeatures(JsonParser p) throws IOException {
        Map<String, Double> named = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_NUMBER_FLOAT && v != JsonToken.VALUE_NUMBER_INT) {
                return null;
            }
            double d = p.getDoubleValue();
            if (!Double.isFinite(d) || named.put(name, d) != null) {
                return null;
            }
        }
        return t == JsonToken.END_OBJECT && !named.isEmpty() ? named : null;
    }

    /** A training event from JSON text. */
    public static ParsedEvent parseTraining(String json) {
        ParsedEvent fast = fast(json, true);
        return fast != null ? fast : parse(tree(json), true);
    }

    /** A prediction request from UTF-8 JSON bytes ({@code label} not allowed). */
    public static ParsedEvent parseRequest(byte[] json) {
        ParsedEvent fast = fast(json, false);
        return fast != null ? fast : parse(tree(json), false);
    }

    /** A prediction request from JSON text. */
    public static ParsedEvent parseRequest(String json) {
        ParsedEvent fast = fast(json, false);
        return fast != null ? fast : parse(tree(json), false);
    }

    private static JsonNode tree(byte[] json) {
        if (json == null || json.length == 0) {
            throw new InvalidEventException("event", "empty record");
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw JsonErrors.of(e, json, "event");
        } catch (IOException e) {
            throw new InvalidEventException("event", "not valid JSON: " + JsonErrors.oneLine(e));
        }
    }

    private static JsonNode tree(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidEventException("event", "empty record");
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw JsonErrors.of(e, json, "event");
        }
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
                throw new InvalidEventException(ModelIds.display(f), "unknown field (expected " + String.join(", ",
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
        String id = text(n, "id");
        if (id != null && id.length() > MAX_ID_CHARS) {
            throw new InvalidEventException("id", "longer than " + MAX_ID_CHARS + " characters (" + id.length() + ")");
        }
        return new ParsedEvent(dense, named, label, labelText, hasLabel, weight, id, text(n, "model"));
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
