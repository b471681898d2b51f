package org.streamlearn.app.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.streamlearn.store.json.Json;

/**
 * {@code report.html} of a keyed backtest: the leaderboard (each configuration's mean of the primary metric
 * over the keys it scored and how many keys it won; the best configuration of every key, up to
 * {@value #MAX_KEY_ROWS} keys with the most events), and the rolling loss (EWMA) of every configuration for the
 * {@value #PLOTTED_KEYS} keys with the most events. The primary metric is {@code mse} for regression and
 * {@code logLoss} for classification, on the held-out tail when there is one; lower wins, ties go to the
 * configuration given first. With epochs the plots show the training loss per epoch.
 */
final class KeyedReport {

    static final int PLOTTED_KEYS = 5;
    static final int MAX_KEY_ROWS = 200;

    private KeyedReport() {
    }

    /** The primary metric of a summary entry's metrics, NaN when it has none. */
    static double primary(JsonNode entry) {
        JsonNode h = entry.path("holdout");
        return h.has("rows") && h.get("rows").asLong() > 0 ? metric(h) : metric(entry.path("metrics"));
    }

    private static double metric(JsonNode metrics) {
        return metrics.has("mse") ? metrics.get("mse").asDouble() : metrics.path("logLoss").asDouble(Double.NaN);
    }

    static void write(List<Configuration> configs, KeyedOutput.Entries r, Backtest.Options o) throws IOException {
        Map<String, double[]> best = new LinkedHashMap<>(); // key -> {config index, metric, events}
        double[] sum = new double[configs.size()];
        int[] scored = new int[configs.size()];
        int[] wins = new int[configs.size()];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            index.put(configs.get(i).name(), i);
        }
        r.forEach(e -> {
            int c = index.get(e.config().name());
            double m = primary(KeyedOutput.describe(e));
            double[] b = best.computeIfAbsent(e.key(), k -> new double[] {-1, Double.NaN, 0});
            b[2] = Math.max(b[2], e.stats().events);
            if (Double.isFinite(m)) {
                sum[c] += m;
                scored[c]++;
                if (b[0] < 0 || m < b[1]) {
                    b[0] = c;
                    b[1] = m;
                }
            }
        });
        best.values().forEach(b -> {
            if (b[0] >= 0) {
                wins[(int) b[0]]++;
            }
        });
        StringBuilder board = new StringBuilder("<table><tr><th>configuration</th><th>keys scored</th>"
                + "<th>mean primary metric</th><th>keys won</th></tr>");
        int overall = -1;
        for (int c = 0; c < configs.size(); c++) {
            double mean = scored[c] == 0 ? Double.NaN : sum[c] / scored[c];
            if (Double.isFinite(mean) && (overall < 0 || mean < sum[overall] / scored[overall])) {
                overall = c;
            }
            board.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.6g</td><td>%d</td></tr>",
                    Report.escape(configs.get(c).name()), scored[c], mean, wins[c]));
        }
        board.append("</table><p>Best overall (lowest mean): <b class=\"best\">")
                .append(overall < 0 ? "none" : Report.escape(configs.get(overall).name())).append("</b></p>");
        List<Map.Entry<String, double[]>> byEvents = new ArrayList<>(best.entrySet());
        byEvents.sort(Comparator.comparingDouble((Map.Entry<String, double[]> x) -> -x.getValue()[2])
                .thenComparing(Map.Entry::getKey));
        StringBuilder perKey = new StringBuilder("<table><tr><th>key</th><th>events</th><th>best configuration</th>"
                + "<th>primary metric</th></tr>");
        for (Map.Entry<String, double[]> x : byEvents.subList(0, Math.min(MAX_KEY_ROWS, byEvents.size()))) {
            double[] b = x.getValue();
            perKey.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.0f</td><td>%s</td><td>%.6g</td></tr>",
                    Report.escape(x.getKey()), b[2], b[0] < 0 ? "" : Report.escape(configs.get((int) b[0]).name()),
                    b[1]));
        }
        perKey.append("</table>");
        List<Report.Section> sections = new ArrayList<>();
        sections.add(new Report.Section("Leaderboard", board.toString()));
        sections.add(new Report.Section("Best configuration per key", perKey.toString()));
        for (Map.Entry<String, double[]> x : byEvents.subList(0, Math.min(PLOTTED_KEYS, byEvents.size()))) {
            sections.add(new Report.Section("Rolling loss (EWMA) of key " + x.getKey(),
                    Report.chart(series(configs, o.out(), x.getKey()))));
        }
        Report.page(o.out().resolve("report.html"), "streamlearn backtest: " + o.title(), sections);
    }

    /** Every configuration's EWMA trace of {@code key}, read back from the trace files. */
    private static List<Report.Series> series(List<Configuration> configs, Path dir, String key) throws IOException {
        List<Report.Series> out = new ArrayList<>();
        for (Configuration c : configs) {
            List<double[]> points = new ArrayList<>();
            try (BufferedReader in = Files.newBufferedReader(dir.resolve("trace-" + c.name() + ".jsonl"),
                    StandardCharsets.UTF_8)) {
                String line;
                String needle = "{\"key\":" + Json.MAPPER.writeValueAsString(key) + ",";
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(needle)) {
                        JsonNode t = Json.MAPPER.readTree(line);
                        points.add(t.has("epoch") ? new double[] {t.get("epoch").asDouble(), t.get("loss").asDouble()}
                                : new double[] {t.get("seen").asDouble(), t.path("ewma").asDouble(Double.NaN)});
                    }
                }
            }
            out.add(new Report.Series(c.name(), points, List.of()));
        }
        return out;
    }
}
