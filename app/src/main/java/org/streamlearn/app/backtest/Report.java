package org.streamlearn.app.backtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: a self-contained page (inline SVG, no scripts) with one chart per loss statistic (EWMA
 * and window mean of the progressive loss, against events seen) for every run of a backtest, and the summary
 * table.
 */
final class Report {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#17becf"};

    /** One run's trace: events seen and the statistic, and the events seen at each of its drifts (markers). */
    record Series(String name, List<double[]> points, List<Long> drifts) {
    }

    private Report() {
    }

    static void write(Path file, String title, List<Series> ewma, List<Series> window, String summaryTable)
            throws IOException {
        page(file, title, List.of(
                new Section("Whole-stream progressive metrics", summaryTable),
                new Section("Rolling loss (EWMA) against events seen", chart(ewma)),
                new Section("Rolling loss (window mean) against events seen", chart(window))));
    }

    /** A heading and its HTML. */
    record Section(String heading, String html) {
    }

    /** Writes a page of sections. */
    static void page(Path file, String title, List<Section> sections) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title><style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "th:first-child,td:first-child{text-align:left}svg{background:#fafafa;border:1px solid #ddd}"
                        + "</style></head><body>");
        h.append("<h1>").append(escape(title)).append("</h1>");
        for (Section s : sections) {
            h.append("<h2>").append(escape(s.heading())).append("</h2>").append(s.html());
        }
        h.append("</body></html>\n");
        Files.writeString(file, h.toString(), StandardCharsets.UTF_8);
    }

    static String chart(List<Series> series) {
        int w = 900;
        int hgt = 360;
        int pad = 50;
        double maxX = 1;
        double maxY = 0;
        double minY = Double.POSITIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (Double.isFinite(p[1])) {
                    maxX = Math.max(maxX, p[0]);
                    maxY = Math.max(maxY, p[1]);
                    minY = Math.min(minY, p[1]);
                }
            }
        }
        if (!(minY < maxY)) {
            minY = 0;
            maxY = Math.max(maxY, 1);
        }
        boolean log = minY > 0 && maxY / minY > 100;
        double lo = log ? Math.log10(minY) : Math.min(0, minY);
        double hi = log ? Math.log10(maxY) : maxY;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", w, hgt, w, hgt));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", pad,
                hgt - pad, w - 10, hgt - pad));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", pad, pad,
                hgt - pad));
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double y = hgt - pad - (hgt - pad - 10) * i / 4.0;
            b.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%.1f\" font-size=\"11\">%.3g</text>", y + 4,
                    log ? Math.pow(10, v) : v));
            double x = pad + (w - pad - 10) * i / 4.0;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
                    + "%,.0f</text>", x, hgt - pad + 16, maxX * i / 4));
        }
        int k = 0;
        for (Series s : series) {
            String colour = COLOURS[k % COLOURS.length];
            List<String> pts = new ArrayList<>();
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1]) || (log && p[1] <= 0)) {
                    continue;
                }
                double v = log ? Math.log10(p[1]) : p[1];
                double x = pad + (w - pad - 10) * p[0] / maxX;
                double y = hgt - pad - (hgt - pad - 10) * (v - lo) / Math.max(hi - lo, 1e-300);
                pts.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
            for (long at : s.drifts()) {
                double x = pad + (w - pad - 10) * at / maxX;
                b.append(String.format(Locale.ROOT, "<line class=\"drift\" x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" "
                        + "y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"><title>%s: drift at event %d</title>"
                        + "</line>", x, x, hgt - pad, colour, escape(s.name()), at));
            }
            b.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"")
                    .append(String.join(" ", pts)).append("\"/>");
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>",
                    w - 200, 24 + 16 * k, colour, escape(s.name())));
            k++;
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">events seen%s</text>", w / 2,
                hgt - 8, (log ? " (loss on a log scale)" : "")
                + (series.stream().anyMatch(s -> !s.drifts().isEmpty()) ? "; dashed lines: drifts detected" : "")));
        return b.append("</svg>").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
