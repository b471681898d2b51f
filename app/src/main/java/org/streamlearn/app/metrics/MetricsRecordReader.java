package org.streamlearn.app.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@link ModelHistory} keeps of a {@code model-metrics} value straight from its tokens, without
 * building a tree (it runs on the stream thread): {@code seen}, {@code atMs}, {@code champion}, and the window
 * loss of each candidate ({@code candidates[].loss.window}, or the model's {@code loss.window} without
 * challengers, as the one candidate {@code main}). The records are the service's own ({@code Outputs.metrics}),
 * so a plain factory reads them: the shared mapper's duplicate-key detection would only add a hash set per object.
 */
final class MetricsRecordReader {

    /** The figures of one record; {@code loss[i]} is candidate {@code names[i]}'s window loss or NaN. */
    record Figures(long seen, long atMs, String champion, List<String> names, double[] loss) {
    }

    static final String MAIN = "main";

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private MetricsRecordReader() {
    }

    /** The figures of {@code record}, or null when it is not a JSON object with an integer {@code seen}. */
    static Figures read(byte[] record) {
        try (JsonParser p = FACTORY.createParser(record)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            long seen = -1;
            long atMs = 0;
            String champion = MAIN;
            double window = Double.NaN;
            List<String> names = new ArrayList<>(4);
            List<Double> losses = new ArrayList<>(4);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "seen" -> seen = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "atMs" -> atMs = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0;
                    case "champion" -> champion = t == JsonToken.VALUE_STRING ? p.getText() : MAIN;
                    case "loss" -> window = window(p);
                    case "candidates" -> candidates(p, names, losses);
                    default -> p.skipChildren();
                }
            }
            if (seen < 0) {
                return null;
            }
            if (names.isEmpty()) {
                names.add(MAIN);
                losses.add(window);
            }
            double[] loss = new double[losses.size()];
            for (int i = 0; i < loss.length; i++) {
                loss[i] = losses.get(i);
            }
            return new Figures(seen, atMs, champion, names, loss);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code window} of the {@code loss} object the parser is at (its start), or NaN. */
    private static double window(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Double.NaN;
        }
        double w = Double.NaN;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("window") && t.isNumeric()) {
                w = p.getDoubleValue();
            } else {
                p.skipChildren();
            }
        }
        return w;
    }

    private static void candidates(JsonParser p, List<String> names, List<Double> losses) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String name = null;
            double w = Double.NaN;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("name") && t == JsonToken.VALUE_STRING) {
                    name = p.getText();
                } else if (field.equals("loss")) {
                    w = window(p);
                } else {
                    p.skipChildren();
                }
            }
            if (name != null && !names.contains(name)) {
                names.add(name);
                losses.add(w);
            }
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
    }
}
