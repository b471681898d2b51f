package org.streamlearn.app.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.streamlearn.store.json.Json;

/**
 * The recent past of the models this instance publishes, for the dashboard ({@code GET /models/{id}/history}):
 * in memory, per instance, filled from the {@code model-metrics} and {@code model-events} records as the stream
 * threads send them (so at the publishing cadence: every {@code metrics.every.events} events of a model and on
 * the {@code metrics.interval.ms} timer). It is not part of any model: nothing here changes what a model learns or
 * publishes, and it is not saved, so a restart or a rebalance starts a model's history again on its new owner
 * (the topics keep the full record).
 *
 * <p>Bounded: at most {@link #MAX_MODELS} models (the one published least recently is dropped first), and per
 * model at most {@link #POINTS} points and the last {@link #EVENTS} drift and promotion records. When a model's
 * points are full every second one is dropped and from then on only every second record is kept (the stride
 * doubles), so the points always span the model's whole history here at an even resolution; the latest record
 * is always the last point. A record whose {@code seen} is lower than the last one's (a {@code reset} command, a
 * model deleted and created again) starts the model's history again. A point is
 * {@code (seen, atMs, champion, window loss of each candidate)}, a model without challengers having the one
 * candidate {@code main}.
 *
 * <p>Thread-safe (stream threads record, HTTP threads read); recording never throws: a record that cannot be
 * read is ignored. A metrics record is read token by token for its figures and kept as bytes for
 * {@code latest}; only the rare drift and promotion records are kept as trees.
 */
public final class ModelHistory {

    /** Models kept. */
    public static final int MAX_MODELS = 1000;
    /** Points kept per model. */
    public static final int POINTS = 256;
    /** Drift and promotion records kept per model. */
    public static final int EVENTS = 32;

    /** One published record: the window loss of each of the model's candidates ({@link Series#names} order). */
    private record Point(long seen, long atMs, String champion, double[] loss) {
    }

    /** One model's history. */
    private static final class Series {
        final List<String> names = new ArrayList<>();
        final List<Point> points = new ArrayList<>();
        final ArrayDeque<JsonNode> events = new ArrayDeque<>();
        long stride = 1;
        long skipped;
        long eventsDropped;
        Point last;
        byte[] latest;

        void add(Point p, byte[] record) {
            latest = record;
            last = p;
            if (++skipped < stride) {
                return;
            }
            skipped = 0;
            if (points.size() == POINTS) {
                for (int i = 1, j = 2; j < POINTS; i++, j += 2) {
                    points.set(i, points.get(j));
                }
                points.subList(POINTS / 2, POINTS).clear();
                stride *= 2;
            }
            points.add(p);
        }

        int index(String name) {
            int i = names.indexOf(name);
            if (i < 0) {
                names.add(name);
                i = names.size() - 1;
            }
            return i;
        }
    }

    private final LinkedHashMap<String, Series> models = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Series> eldest) {
            return size() > MAX_MODELS;
        }
    };

    /** Records a {@code model-metrics} value of {@code model} (its figures read without building a tree). */
    public void metrics(String model, byte[] record) {
        MetricsRecordReader.Figures f = model == null || record == null ? null : MetricsRecordReader.read(record);
        if (f == null) {
            return;
        }
        synchronized (this) {
            Series s = series(model, f.seen());
            for (String name : f.names()) {
                s.index(name);
            }
            double[] loss = new double[s.names.size()];
            Arrays.fill(loss, Double.NaN);
            for (int i = 0; i < f.names().size(); i++) {
                loss[s.index(f.names().get(i))] = f.loss()[i];
            }
            s.add(new Point(f.seen(), f.atMs(), f.champion(), loss), record);
        }
    }

    /** The series of {@code model}, a new one when there is none or the model started again below {@code seen}. */
    private Series series(String model, long seen) {
        Series s = models.get(model);
        if (s == null || s.last != null && seen < s.last.seen()) { // a reset command, or deleted and created again
            s = new Series();
            models.put(model, s);
        }
        return s;
    }

    /** Records a {@code model-events} value (a drift or a promotion) of {@code model}. */
    public void event(String model, byte[] record) {
        JsonNode r = read(model, record);
        if (r == null) {
            return;
        }
        synchronized (this) {
            Series s = models.computeIfAbsent(model, k -> new Series());
            if (s.events.size() == EVENTS) {
                s.events.removeFirst();
                s.eventsDropped++;
            }
            s.events.addLast(r);
        }
    }

    /**
     * A model's history as JSON: {@code {"model", "candidates": [names], "points": [{"seen", "atMs", "champion",
     * "loss": [window loss per candidate, null when unknown]}], "stride", "events": [model-events records],
     * "eventsDropped", "latest": the last model-metrics record or null}}; empty when nothing was recorded here.
     */
    public synchronized ObjectNode toJson(String model) {
        Series s = models.get(model);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("model", model);
        ArrayNode names = o.putArray("candidates");
        ArrayNode points = o.putArray("points");
        ArrayNode events = o.putArray("events");
        if (s == null) {
            o.put("stride", 1);
            o.put("eventsDropped", 0);
            o.putNull("latest");
            return o;
        }
        s.names.forEach(names::add);
        for (Point p : s.points) {
            point(points.addObject(), p, s.names.size());
        }
        if (s.last != null && (s.points.isEmpty() || s.points.get(s.points.size() - 1) != s.last)) {
            point(points.addObject(), s.last, s.names.size());
        }
        o.put("stride", s.stride);
        s.events.forEach(events::add);
        o.put("eventsDropped", s.eventsDropped);
        o.set("latest", s.latest == null ? null : read("", s.latest));
        return o;
    }

    private static void point(ObjectNode o, Point p, int candidates) {
        o.put("seen", p.seen());
        o.put("atMs", p.atMs());
        o.put("champion", p.champion());
        ArrayNode loss = o.putArray("loss");
        for (int i = 0; i < candidates; i++) {
            double v = i < p.loss().length ? p.loss()[i] : Double.NaN;
            if (Double.isFinite(v)) {
                loss.add(v);
            } else {
                loss.addNull();
            }
        }
    }

    private static JsonNode read(String model, byte[] record) {
        if (model == null || record == null) {
            return null;
        }
        try {
            JsonNode r = Json.MAPPER.readTree(record);
            return r != null && r.isObject() ? r : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
