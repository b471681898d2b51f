package org.streamlearn.app.backtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.store.json.Json;

/**
 * A backtest over a JSON Lines file: every spec learns every event in file order, with progressive
 * validation; the rolling loss is traced every {@code traceEvery} events and the final partial mini-batch is
 * applied at the end of the stream (as the reference does).
 */
public final class Backtest {


    /** Options of a backtest. */
    public record Options(Path input, Path out, int traceEvery, boolean skipInvalid, PrintWriter progress) {
        /** The report's title: the input file's name. */
        String title() {
            return input == null ? "topic" : input.getFileName().toString();
        }
    }

    /** What went wrong with a line, when not skipping. */
    public static final class LineException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String where;

        LineException(String where, String run, InvalidEventException cause) {
            this(where, run, cause.getMessage());
            initCause(cause);
        }

        LineException(String where, String run, String reason) {
            super(where + ": " + (run == null ? "" : "[" + run + "] ") + reason
                    + " (use --skip-invalid to count and skip such lines)");
            this.where = where;
        }

        /** Where the bad event stands ({@code file:line} or {@code topic-partition@offset}). */
        public String where() {
            return where;
        }
    }

    /** The result of a backtest. */
    public record Result(List<BacktestRun> runs, long lines, long invalidLines, Path summary) {
    }

    private Backtest() {
    }

    /** Runs {@code runs} over the input and writes the summary and traces. */
    public static Result run(List<BacktestRun> runs, Options o) throws IOException {
        try (Source source = Source.file(o.input())) {
            return run(runs, source, o);
        }
    }

    /** Runs {@code runs} over {@code source} and writes the summary, traces and report into {@code o.out()}. */
    public static Result run(List<BacktestRun> runs, Source source, Options o) throws IOException {
        Files.createDirectories(o.out());
        List<BufferedWriter> traces = new ArrayList<>();
        long lines = 0;
        long events = 0;
        long invalid = 0;
        Progress progress = new Progress(o.progress());
        try {
            for (BacktestRun r : runs) {
                traces.add(Files.newBufferedWriter(o.out().resolve("trace-" + r.name() + ".jsonl"),
                        StandardCharsets.UTF_8));
            }
            SourceRecord line;
            while ((line = source.next()) != null) {
                lines++;
                ParsedEvent e;
                try {
                    e = EventParser.parseTraining(line.value());
                } catch (InvalidEventException ex) {
                    if (!o.skipInvalid()) {
                        throw new LineException(line.where(), null, ex);
                    }
                    invalid++;
                    for (BacktestRun r : runs) {
                        r.skip();
                    }
                    continue;
                }
                events++;
                boolean bad = false;
                for (BacktestRun r : runs) {
                    try {
                        r.learn(e, events);
                    } catch (InvalidEventException ex) {
                        if (!o.skipInvalid()) {
                            throw new LineException(line.where(), runs.size() > 1 ? r.name() : null, ex);
                        }
                        r.skip();
                        bad = true;
                    }
                }
                if (bad) {
                    invalid++;
                }
                if (events % o.traceEvery() == 0) {
                    for (int i = 0; i < runs.size(); i++) {
                        traces.get(i).write(Json.MAPPER.writeValueAsString(runs.get(i).traceLine()));
                        traces.get(i).newLine();
                    }
                }
                BacktestRun first = runs.get(0);
                progress.update(events, source.progress(), () -> String.format(Locale.ROOT,
                        "[%s] loss %.6g ewma %.6g", first.name(), first.model().learned().rolling().mean(),
                        first.model().learned().rolling().ewma()));
            }
            for (int i = 0; i < runs.size(); i++) {
                BacktestRun r = runs.get(i);
                r.finish(events);
                traces.get(i).write(Json.MAPPER.writeValueAsString(r.traceLine()));
                traces.get(i).newLine();
            }
        } finally {
            for (BufferedWriter w : traces) {
                w.close();
            }
            progress.done(events, invalid);
        }
        ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("input", source.name());
        summary.put("lines", lines);
        summary.put("events", events);
        summary.put("invalid", invalid);
        ArrayNode arr = summary.putArray("runs");
        for (BacktestRun r : runs) {
            arr.add(r.summary());
        }
        Path file = o.out().resolve("summary.json");
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        writeReport(runs, o);
        return new Result(runs, lines, invalid, file);
    }

    private static void writeReport(List<BacktestRun> runs, Options o) throws IOException {
        List<Report.Series> ewma = new ArrayList<>();
        List<Report.Series> window = new ArrayList<>();
        StringBuilder table = new StringBuilder("<table><tr><th>run</th><th>seen</th><th>steps</th>");
        List<String> names = new ArrayList<>();
        for (BacktestRun r : runs) {
            ObjectNode m = JsonNodeFactory.instance.objectNode();
            r.metricsInto(m);
            m.fieldNames().forEachRemaining(n -> {
                if (!names.contains(n)) {
                    names.add(n);
                }
            });
        }
        for (String n : names) {
            table.append("<th>").append(n).append("</th>");
        }
        table.append("</tr>");
        for (BacktestRun r : runs) {
            List<double[]> e = new ArrayList<>();
            List<double[]> w = new ArrayList<>();
            Map<String, List<double[]>> candidates = new LinkedHashMap<>();
            for (String line : Files.readAllLines(o.out().resolve("trace-" + r.name() + ".jsonl"))) {
                var t = Json.MAPPER.readTree(line);
                e.add(new double[] {t.get("seen").asDouble(), t.path("ewma").asDouble(Double.NaN)});
                w.add(new double[] {t.get("seen").asDouble(), t.path("window").asDouble(Double.NaN)});
                for (var c : t.path("candidates").properties()) {
                    candidates.computeIfAbsent(c.getKey(), k -> new ArrayList<>())
                            .add(new double[] {t.get("seen").asDouble(), c.getValue().asDouble(Double.NaN)});
                }
            }
            List<Long> drifts = new ArrayList<>();
            r.modelEvents().forEach(ev -> {
                if (ev.get("type").asText().equals("drift")) {
                    drifts.add(ev.get("seen").asLong());
                }
            });
            ewma.add(new Report.Series(r.name(), e, drifts));
            window.add(new Report.Series(r.name(), w, drifts));
            candidates.forEach((name, points) -> window.add(new Report.Series(r.name() + " / " + name, points,
                    List.of())));
            ObjectNode m = JsonNodeFactory.instance.objectNode();
            r.metricsInto(m);
            table.append("<tr><td>").append(Report.escape(r.name())).append("</td><td>")
                    .append(r.model().learned().seen()).append("</td><td>").append(r.model().learned().steps())
                    .append("</td>");
            for (String n : names) {
                table.append("<td>").append(m.has(n) ? String.format(Locale.ROOT, "%.6g", m.get(n).asDouble()) : "")
                        .append("</td>");
            }
            table.append("</tr>");
        }
        table.append("</table>");
        Report.write(o.out().resolve("report.html"), "streamlearn backtest: " + o.title(), ewma,
                window, table.toString());
    }
}
