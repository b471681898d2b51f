package org.streamlearn.it.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** JSON for the tests (Jackson, doubles parsed exactly: what is compared bit for bit survives the round trip). */
public final class Json {

    /** The shared strict mapper of model-store ({@code org.streamlearn.store.json.Json}), under the tests' name. */
    public static final JsonMapper MAPPER = org.streamlearn.store.json.Json.MAPPER;

    private Json() {
    }

    /** Parses JSON text. */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage() + ": " + text, e);
        }
    }

    /** Parses a JSON file. */
    public static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact JSON text. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
