package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import org.streamlearn.store.json.Json;

/** Writes responses: JSON bodies (with {@link Json#MAPPER}), JSON errors and raw bytes. */
final class Responses {

    /** The content type of every JSON answer. */
    static final String JSON = "application/json";

    private Responses() {
    }

    /** A JSON body. */
    static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        bytes(ex, status, JSON, Json.MAPPER.writeValueAsBytes(body));
    }

    /** The JSON error {@code {"error": {"field", "reason"}}} with its headers. */
    static void error(HttpExchange ex, HttpError e) throws IOException {
        e.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        json(ex, e.status(), errorBody(e.field(), String.valueOf(e.getMessage())));
    }

    /** The JSON error body. */
    static ObjectNode errorBody(String field, String reason) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode e = o.putObject("error");
        e.put("field", field);
        e.put("reason", reason);
        return o;
    }

    /** Raw bytes with a content type (none when null); an empty body is sent without one. */
    static void bytes(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
