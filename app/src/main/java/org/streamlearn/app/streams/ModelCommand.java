package org.streamlearn.app.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.JsonErrors;
import org.streamlearn.app.events.ModelIds;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;

/**
 * A {@code model-commands} record: {@code {"command": "upsert", "spec": {…}}}, {@code {"command": "reset"}},
 * {@code {"command": "delete"}}, {@code {"command": "flush"}} (apply the open mini-batch now) or
 * {@code {"command": "publish"}} (publish a snapshot now). Errors name the field.
 *
 * @param type the command
 * @param spec the spec of an upsert, else null
 */
public record ModelCommand(Type type, ModelSpec spec) {

    /** The commands. */
    public enum Type {
        /** Create the model or change its spec. */
        UPSERT,
        /** Restart from zero with the same spec. */
        RESET,
        /** Remove the model. */
        DELETE,
        /** Apply the open mini-batch now. */
        FLUSH,
        /** Publish a snapshot now. */
        PUBLISH
    }

    private static final List<String> NAMES = List.of("upsert", "reset", "delete", "flush", "publish");

    /** Parses a command value. */
    public static ModelCommand parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("command", "empty record");
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw JsonErrors.of(e, value, "command");
        } catch (IOException e) {
            throw new InvalidEventException("command", "not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (n == null || !n.isObject()) {
            throw new InvalidEventException("command", "must be a JSON object");
        }
        JsonNode c = n.get("command");
        if (c == null || !c.isTextual()) {
            throw new InvalidEventException("command", "missing (expected one of " + String.join(", ", NAMES) + ")");
        }
        String name = c.asText();
        if (!NAMES.contains(name)) {
            throw new InvalidEventException("command", "unknown value '" + name + "' (expected one of "
                    + String.join(", ", NAMES) + ")");
        }
        Type type = Type.values()[NAMES.indexOf(name)];
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!f.equals("command") && !(f.equals("spec") && type == Type.UPSERT)) {
                throw new InvalidEventException(ModelIds.display(f), "unknown field for command " + name);
            }
        }
        ModelSpec spec = null;
        if (type == Type.UPSERT) {
            JsonNode s = n.get("spec");
            if (s == null || s.isNull()) {
                throw new InvalidEventException("spec", "required for command upsert");
            }
            try {
                spec = ModelSpecs.fromTree(s);
            } catch (SpecException e) {
                String field = e.field().isEmpty() ? "spec" : "spec." + e.field();
                String msg = e.getMessage();
                String prefix = (e.field().isEmpty() ? "spec" : e.field()) + ": ";
                throw new InvalidEventException(field, msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
            }
        }
        return new ModelCommand(type, spec);
    }
}
