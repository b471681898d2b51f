package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.store.json.Json;

/**
 * The values of the two feedback topics (DESIGN.md "Delayed labels"): a {@code labels} record
 * {@code {"id", "label", "weight"?}} and a {@code prediction-log} record {@code {"id", "model", "features",
 * "prediction", "scores", "modelVersion", "servedAtMs", …}} (a {@code predictions} value plus the features).
 * Errors name the field, as {@link InvalidEventException}s.
 */
public final class FeedbackRecords {

    private static final List<String> LABEL_FIELDS = List.of("id", "label", "weight");

    private FeedbackRecords() {
    }

    /**
     * A label: {@link ParsedEvent#id()}, the label ({@link ParsedEvent#label()} or {@link ParsedEvent#labelText()})
     * and {@link ParsedEvent#weight()}; no features.
     */
    public static ParsedEvent parseLabel(byte[] value) {
        JsonNode n = object(value, "label record");
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!LABEL_FIELDS.contains(f)) {
                throw new InvalidEventException(f, "unknown field (expected id, label, weight)");
            }
        }
        String id = id(n);
        JsonNode l = n.get("label");
        double label = Double.NaN;
        String text = null;
        if (l == null || l.isNull()) {
            throw new InvalidEventException("label", "missing");
        } else if (l.isBoolean()) {
            label = l.booleanValue() ? 1 : 0;
        } else if (l.isTextual()) {
            text = l.textValue();
        } else if (l.isNumber()) {
            label = l.doubleValue();
            if (!Double.isFinite(label)) {
                throw new InvalidEventException("label", "must be a finite number, got " + l.asText());
            }
        } else {
            throw new InvalidEventException("label", "must be a number, true, false or a class name, got "
                    + l.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        double weight = 1.0;
        JsonNode w = n.get("weight");
        if (w != null) {
            if (!w.isNumber() || !Double.isFinite(w.doubleValue()) || w.doubleValue() < 0) {
                throw new InvalidEventException("weight", "must be a finite number >= 0, got " + w);
            }
            weight = w.doubleValue();
        }
        return new ParsedEvent(null, null, label, text, true, weight, id, null);
    }

    /** A logged prediction: the request (id and features) and the served scores and model version. */
    public record LoggedPrediction(ParsedEvent request, double[] scores, long modelVersion, long servedAtMs) {
    }

    /** Parses a {@code prediction-log} value. */
    public static LoggedPrediction parseLogged(byte[] value) {
        JsonNode n = object(value, "prediction-log record");
        String id = id(n);
        ObjectNode req = JsonNodeFactory.instance.objectNode();
        req.put("id", id);
        req.set("features", n.get("features"));
        ParsedEvent e = EventParser.parse(req, false);
        JsonNode s = n.get("scores");
        if (s == null || !s.isArray() || s.isEmpty()) {
            throw new InvalidEventException("scores", "missing: an array of the served raw scores");
        }
        double[] scores = new double[s.size()];
        for (int i = 0; i < scores.length; i++) {
            if (!s.get(i).isNumber()) {
                throw new InvalidEventException("scores[" + i + "]", "must be a number");
            }
            scores[i] = s.get(i).doubleValue();
        }
        JsonNode v = n.get("modelVersion");
        JsonNode at = n.get("servedAtMs");
        return new LoggedPrediction(e, scores, v != null && v.canConvertToLong() ? v.longValue() : -1,
                at != null && at.canConvertToLong() ? at.longValue() : -1);
    }

    private static JsonNode object(byte[] value, String what) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("event", "empty record");
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new InvalidEventException("event", "not valid JSON: " + e.getMessage().replace('\n', ' '));
        }
        if (n == null || !n.isObject()) {
            throw new InvalidEventException("event", "a " + what + " must be a JSON object");
        }
        return n;
    }

    private static String id(JsonNode n) {
        JsonNode id = n.get("id");
        if (id == null || id.isNull()) {
            throw new InvalidEventException("id", "missing");
        }
        if (!id.isTextual() || id.textValue().isEmpty()) {
            throw new InvalidEventException("id", "must be a non-empty string, got " + id);
        }
        return id.textValue();
    }
}
