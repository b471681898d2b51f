package org.streamlearn.app.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import org.streamlearn.store.json.Json;

/**
 * Precise reasons for JSON that the shared strict {@link Json#MAPPER} refuses, for events, prediction requests and
 * model commands alike. The field is the record ({@code event}, {@code command}): the problem is in its syntax.
 * The reason starts with "not valid JSON: " and Jackson's message on one line, then says what it means: a key
 * given twice is named by its path ({@code label}, {@code features.price}, {@code spec.optimizer.type}); content
 * after the first value says whether it is a second value (concatenated records) or a stray token. Used only
 * once a read has failed, so it costs nothing on the happy path.
 */
public final class JsonErrors {

    private JsonErrors() {
    }

    /**
     * The error for a failed strict read of {@code json}.
     *
     * @param what the record's kind ({@code event}, {@code request}, {@code command}), the field named when the
     *             problem is not inside one key
     */
    public static InvalidEventException of(JsonProcessingException e, byte[] json, String what) {
        String m = oneLine(e);
        if (m.startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser p) {
            String key = path(p.getParsingContext().pathAsPointer());
            return new InvalidEventException(what, "not valid JSON: " + m + " (the key " + ModelIds.display(key)
                    + " is given twice; a duplicate key is ambiguous, so it is refused, never read as the last one)");
        }
        if (Json.isTrailingContent(e)) {
            boolean second = m.contains("START_OBJECT") || m.contains("START_ARRAY");
            return new InvalidEventException(what, "not valid JSON: unexpected content after the " + what + ": "
                    + (second ? "a second JSON value (concatenated values are refused: one record, one " + what + ")"
                    : "a trailing token (anything after the " + what + " is refused)"));
        }
        if (firstValueParses(json)) {
            return new InvalidEventException(what, "not valid JSON: " + m + " after the " + what
                    + " (unexpected content after the " + what + " is refused)");
        }
        return new InvalidEventException(what, "not valid JSON: " + m);
    }

    /** {@link #of(JsonProcessingException, byte[], String)} for JSON text. */
    public static InvalidEventException of(JsonProcessingException e, String json, String what) {
        return of(e, json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8), what);
    }

    private static boolean firstValueParses(byte[] json) {
        if (json == null) {
            return false;
        }
        try (JsonParser p = Json.MAPPER.createParser(json)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A JSON pointer as a field path: {@code /features/price} is {@code features.price}, {@code /a/0} {@code a[0]}. */
    static String path(JsonPointer ptr) {
        StringBuilder b = new StringBuilder();
        for (JsonPointer q = ptr; q != null && !q.matches(); q = q.tail()) {
            if (q.mayMatchElement()) {
                b.append('[').append(q.getMatchingIndex()).append(']');
            } else {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(q.getMatchingProperty());
            }
        }
        return b.toString();
    }

    /** Jackson's message of {@code e} on one line, without the source location, bounded. */
    static String oneLine(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : ModelIds.display(m.replace('\n', ' '));
    }
}
