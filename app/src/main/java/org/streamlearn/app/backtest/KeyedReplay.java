package org.streamlearn.app.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.streams.Emissions;
import org.streamlearn.app.streams.LiveModel;
import org.streamlearn.app.streams.LiveModels;
import org.streamlearn.app.streams.ModelCommand;
import org.streamlearn.app.streams.ModelLifecycle;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.ModelState;

/**
 * One configuration's models for a share of the keys: the service's own {@link ModelLifecycle} over models in a
 * map, fed the events and commands in replay order with each record's timestamp as its time. So a key's model
 * is created, learns, changes spec, resets and is deleted exactly as live ({@code ModelLifecycle}'s rules, one
 * place). With a fixed spec, every key's model is created with it and {@code upsert} commands are skipped;
 * resets and deletes still apply.
 *
 * The rolling-loss records ({@code model-metrics}) are not made; snapshots are (the lifecycle's cadence) and
 * dropped.
 *
 * <p>Per key it keeps the model, a few counters and its {@code model-events} records (drifts, promotions) — no
 * events. Not thread-safe: one thread at a time, as a stream task.
 */
final class KeyedReplay {

    /** A trace line and the replay position it was written at, to merge the shares of a configuration. */
    record Trace(long seq, String line) {
    }

    /** What a key's share of the replay counted. */
    static final class KeyStats {
        long events;
        long skipped;
        long commands;
        long commandsRejected;
        long beforeStart;
        long warmUntil = Long.MIN_VALUE;
        ObjectNode warmStart;
        ObjectNode holdout;
        final ArrayNode modelEvents = JsonNodeFactory.instance.arrayNode();
    }

    private final Configuration config;
    private final LiveModels models = LiveModels.inMemory();
    private final ModelLifecycle lifecycle;
    private final Map<String, KeyStats> keys = new TreeMap<>();
    private final int traceEvery;
    private final List<Trace> traces = new ArrayList<>();
    private long freshAfter = Long.MIN_VALUE;

    KeyedReplay(Configuration config, TopologyFactory.Settings live, int traceEvery) {
        this.config = config;
        this.traceEvery = traceEvery;
        boolean fixed = config.spec() != null;
        TopologyFactory.Settings s = new TopologyFactory.Settings(live.topics(), live.storeName(),
                fixed ? ModelSpecs.toJson(config.spec()) : live.defaultSpec(), fixed ? Map.of() : live.seedSpecs(),
                Long.MAX_VALUE, live.metricsIntervalMs(), live.batchCheckIntervalMs(), live.maxCachedModels(),
                live.limits(), live.deadLetterMaxOriginalBytes());
        this.lifecycle = new ModelLifecycle(s, models);
    }

    Configuration config() {
        return config;
    }

    /**
     * Learns an event; returns the rejection's message ({@code field: problem}) when the event is unusable for
     * this configuration (the model untouched), else null.
     */
    String event(String key, ParsedEvent e, long timestamp, long seq) {
        KeyStats k = stats(key);
        if (timestamp <= k.warmUntil || (k.warmStart == null && timestamp <= freshAfter)) {
            k.beforeStart++;
            return null;
        }
        Emissions out = lifecycle.onEvent(key, e, timestamp);
        String rejected = collect(out, k);
        if (rejected != null) {
            k.skipped++;
            return rejected;
        }
        k.events++;
        if (k.events % traceEvery == 0) {
            trace(key, seq);
        }
        return null;
    }

    /** Events stamped at or before {@code ms} start no model fresh (a warm start's {@code --from}, less 1). */
    void startFreshAfter(long ms) {
        this.freshAfter = ms;
    }

    /**
     * Starts {@code key} from {@code state} (a live snapshot stamped {@code timestamp}): its records stamped at
     * or before it are skipped; {@code note} goes to the summary.
     */
    void warm(String key, ModelState state, long timestamp, ObjectNode note) {
        KeyStats k = stats(key);
        k.warmUntil = timestamp;
        k.warmStart = note;
        models.save(state);
    }

    /** Counts a command that could not be parsed. */
    void commandRejected(String key) {
        KeyStats k = stats(key);
        k.commands++;
        k.commandsRejected++;
    }

    /** Counts an event that could not be parsed. */
    void skip(String key) {
        stats(key).skipped++;
    }

    /** Applies a command (an {@code upsert} is skipped under a fixed spec); a rejected command is counted. */
    void command(String key, ModelCommand c, long timestamp) {
        KeyStats k = stats(key);
        if (timestamp <= k.warmUntil) {
            k.beforeStart++;
            return;
        }
        k.commands++;
        if (config.spec() != null && c.type() == ModelCommand.Type.UPSERT) {
            return;
        }
        if (collect(lifecycle.onCommand(key, c, timestamp), k) != null) {
            k.commandsRejected++;
        }
    }

    /** Applies every open mini-batch, as at the end of a stream ({@code flush}), and traces each key's end. */
    void finish(long timestamp, long seq) {
        ModelCommand flush = new ModelCommand(ModelCommand.Type.FLUSH, null);
        for (String key : keys.keySet()) {
            if (models.model(key) != null) {
                lifecycle.onCommand(key, flush, timestamp);
                trace(key, seq);
            }
        }
    }

    private KeyStats stats(String key) {
        return keys.computeIfAbsent(key == null ? "" : key, x -> new KeyStats());
    }

    /** Records the model events; returns the rejection (other than a refused step), if any. */
    private String collect(Emissions out, KeyStats k) {
        String rejected = null;
        for (int i = 0; i < out.size(); i++) {
            switch (out.kind(i)) {
                case MODEL_EVENT -> k.modelEvents.add(parse(out.value(i)));
                case REJECTED -> {
                    if (!ModelLifecycle.REFUSED_FIELD.equals(out.field(i))) {
                        rejected = out.reason(i);
                    }
                }
                default -> {
                }
            }
        }
        return rejected;
    }

    private static JsonNode parse(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void trace(String key, long seq) {
        LiveModel m = models.model(key);
        if (m == null) {
            return;
        }
        ModelState s = m.state();
        RollingLoss r = s.learned().rolling();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("key", key);
        o.put("seen", s.learned().seen());
        o.put("steps", s.learned().steps());
        o.put("loss", r.mean());
        o.put("ewma", r.ewma());
        o.put("window", r.windowMean());
        Metrics.into(s, o.putObject("metrics"));
        try {
            traces.add(new Trace(seq, Json.MAPPER.writeValueAsString(o)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The trace lines written since the last call. */
    List<Trace> drainTraces() {
        List<Trace> t = new ArrayList<>(traces);
        traces.clear();
        return t;
    }

    /** The keys this share saw, sorted. */
    Iterable<String> keys() {
        return keys.keySet();
    }

    /** The key's counters. */
    KeyStats counters(String key) {
        return keys.get(key);
    }

    /** The key's model at the end, or null when it was deleted or never created. */
    ModelState model(String key) {
        LiveModel m = models.model(key);
        return m == null ? null : m.state();
    }
}
