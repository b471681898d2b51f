package org.streamlearn.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.streamlearn.store.json.Json;

/** The reference data (testdata/reference, a verbatim copy of shared/reference) for the app's tests. */
public final class Reference {

    private static final ObjectMapper JSON = Json.MAPPER;

    private Reference() {
    }

    /** The reference folder, found upwards from the working directory. */
    public static Path folder() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            for (Path c : new Path[] {p.resolve("testdata/reference")}) {
                if (Files.exists(c.resolve("cases.json"))) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("testdata/reference/cases.json not found above " + dir);
    }

    /** Every case. */
    public static List<JsonNode> cases() {
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(folder().resolve("cases.json").toFile()).get("cases").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference's tolerance: {@code |a − e| <= 1e-9·|e| + 1e-12}. */
    public static boolean close(double actual, double expected) {
        return Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-12;
    }

    /** Asserts every number of {@code expected} matches {@code actual} (same shape) within tolerance. */
    public static void assertClose(JsonNode actual, JsonNode expected, String where) {
        if (expected.isArray()) {
            if (actual == null || !actual.isArray() || actual.size() != expected.size()) {
                throw new AssertionError(where + ": expected " + expected + " got " + actual);
            }
            for (int i = 0; i < expected.size(); i++) {
                assertClose(actual.get(i), expected.get(i), where + "[" + i + "]");
            }
        } else if (expected.isNumber()) {
            if (actual == null || !actual.isNumber() || !close(actual.doubleValue(), expected.doubleValue())) {
                throw new AssertionError(where + ": expected " + expected + " got " + actual);
            }
        } else {
            throw new AssertionError(where + ": unexpected expected-value " + expected);
        }
    }
}
