package org.streamlearn.app.backtest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * The outputs of a {@link KeyedBacktest}: {@code summary.json} (the counts, the configurations, and one entry
 * per key × configuration with its counters, metrics, {@code model-events} records and final model, written
 * one entry at a time), {@code summary.csv} (the same entries flat: one row per key × configuration, every
 * metric a column) and {@code report.html} ({@link KeyedReport}).
 */
final class KeyedOutput {

    /** One key × configuration at the end. */
    record Entry(Configuration config, String key, KeyedReplay.KeyStats stats, ModelState model) {
    }

    /** The entries of a backtest, by configuration in order, then by key; may be walked more than once. */
    interface Entries {
        void forEach(Consumer<Entry> action);
    }

    /** The counts of the summary. */
    record Counts(long records, long events, long commands, long invalid) {
    }

    private KeyedOutput() {
    }

    static void write(List<Configuration> configs, Entries r, Counts counts, String input, Backtest.Options o)
            throws IOException {
        writeSummary(configs, r, counts, input, o.out().resolve("summary.json"));
        writeCsv(r, o.out().resolve("summary.csv"));
        KeyedReport.write(configs, r, o);
    }

    /** Every entry of a keyed replay, by configuration in order, then by key. */
    static void forEach(KeyedBacktest.Result r, Consumer<Entry> action) {
        int n = r.threads();
        for (int c = 0; c < r.shares().size(); c += n) {
            Set<String> keys = new java.util.TreeSet<>();
            for (int s = 0; s < n; s++) {
                r.shares().get(c + s).keys().forEach(keys::add);
            }
            for (String key : keys) {
                KeyedReplay share = r.shares().get(c + (n == 1 ? 0 : Math.floorMod(key.isEmpty() ? 0
                        : key.hashCode(), n)));
                action.accept(new Entry(share.config(), key, share.counters(key), share.model(key)));
            }
        }
    }

    /** The entry's fields but the model. */
    static ObjectNode describe(Entry e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", e.config().name());
        o.put("key", e.key());
        if (!e.config().settings().isEmpty()) {
            ObjectNode s = o.putObject("settings");
            e.config().settings().forEach(s::put);
        }
        o.put("events", e.stats().events);
        o.put("skipped", e.stats().skipped);
        o.put("commands", e.stats().commands);
        o.put("commandsRejected", e.stats().commandsRejected);
        if (e.stats().holdout != null) {
            o.set("holdout", e.stats().holdout);
        }
        if (e.stats().warmStart != null) {
            o.set("warmStart", e.stats().warmStart);
            o.put("beforeStart", e.stats().beforeStart);
        }
        if (e.model() == null) {
            o.put("deleted", true);
            return o;
        }
        o.put("seen", e.model().learned().seen());
        o.put("steps", e.model().learned().steps());
        o.put("refused", e.model().learned().refused());
        Metrics.into(e.model(), o.putObject("metrics"));
        return o;
    }

    private static void writeSummary(List<Configuration> configs, Entries r, Counts counts, String input,
            Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                JsonGenerator g = Json.MAPPER.getFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("input", input);
            g.writeNumberField("records", counts.records());
            g.writeNumberField("events", counts.events());
            g.writeNumberField("commands", counts.commands());
            g.writeNumberField("invalid", counts.invalid());
            g.writeArrayFieldStart("configurations");
            for (Configuration c : configs) {
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                n.put("name", c.name());
                if (c.spec() == null) {
                    n.put("spec", "live");
                } else {
                    n.set("spec", ModelSpecs.toJson(c.spec()));
                }
                if (!c.settings().isEmpty()) {
                    ObjectNode settings = n.putObject("settings");
                    c.settings().forEach(settings::put);
                }
                g.writeTree(n);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("runs");
            IOException[] failed = {null};
            r.forEach(e -> {
                ObjectNode n = describe(e);
                if (!e.stats().modelEvents.isEmpty()) {
                    n.set("modelEvents", e.stats().modelEvents);
                }
                if (e.model() != null) {
                    n.set("model", JsonStateCodec.toJson(e.model()));
                }
                try {
                    g.writeTree(n);
                } catch (IOException ex) {
                    failed[0] = ex;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeCsv(Entries r, Path file) throws IOException {
        Set<String> settings = new LinkedHashSet<>();
        Set<String> metrics = new LinkedHashSet<>();
        Set<String> holdout = new LinkedHashSet<>();
        r.forEach(e -> {
            settings.addAll(e.config().settings().keySet());
            JsonNode d = describe(e);
            d.path("metrics").fieldNames().forEachRemaining(metrics::add);
            d.path("holdout").fieldNames().forEachRemaining(f -> holdout.add("holdout." + f));
        });
        List<String> header = new ArrayList<>(List.of("name", "key"));
        header.addAll(settings);
        header.addAll(List.of("events", "skipped", "commands", "seen", "steps", "refused"));
        header.addAll(metrics);
        header.addAll(holdout);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", header.stream().map(KeyedOutput::csv).toList()));
            w.newLine();
            IOException[] failed = {null};
            r.forEach(e -> {
                JsonNode d = describe(e);
                List<String> row = new ArrayList<>();
                for (String h : header) {
                    JsonNode v = settings.contains(h) ? d.path("settings").path(h)
                            : metrics.contains(h) ? d.path("metrics").path(h)
                            : h.startsWith("holdout.") ? d.path("holdout").path(h.substring(8)) : d.path(h);
                    row.add(v.isMissingNode() ? "" : v.isNumber() && v.isFloatingPointNumber()
                            ? Double.toString(v.asDouble()) : csv(v.asText()));
                }
                try {
                    w.write(String.join(",", row));
                    w.newLine();
                } catch (IOException ex) {
                    failed[0] = ex;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
        }
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
