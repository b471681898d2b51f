package org.streamlearn.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@code /metrics} exposition as Prometheus' own Python client parser reads it ({@code parse_prometheus.py}). */
public final class Prometheus {

    private Prometheus() {
    }

    /** Every sample of {@code exposition}: {@code {"family", "type", "name", "labels", "value"}}; fails if invalid. */
    public static List<JsonNode> parse(String exposition) throws Exception {
        Path script = Path.of(Prometheus.class.getResource("/parse_prometheus.py").toURI());
        Process py = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectError(
                ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = py.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!py.waitFor(60, TimeUnit.SECONDS) || py.exitValue() != 0) {
            throw new AssertionError("Prometheus' parser refused the exposition:\n" + exposition);
        }
        List<JsonNode> samples = new ArrayList<>();
        Json.parse(out).forEach(samples::add);
        return samples;
    }

    /** The sum of the samples named {@code name} whose labels include {@code labels}; fails when there is none. */
    public static double value(List<JsonNode> samples, String name, Map<String, String> labels) {
        double sum = 0;
        boolean found = false;
        for (JsonNode s : samples) {
            if (!s.get("name").asText().equals(name)) {
                continue;
            }
            boolean match = labels.entrySet().stream().allMatch(e -> e.getValue().equals(
                    s.get("labels").path(e.getKey()).asText(null)));
            if (match) {
                sum += Double.parseDouble(s.get("value").asText());
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no sample " + name + labels);
        }
        return sum;
    }
}
