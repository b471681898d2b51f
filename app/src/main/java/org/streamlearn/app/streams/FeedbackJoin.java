package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.store.spec.ModelSpec.FeedbackSpec;
import org.streamlearn.store.state.ModelState;

/**
 * The delayed-label part of {@link ModelLifecycle} (DESIGN.md "Delayed labels"): remembered predictions, labels
 * joined to them, expiry on stream time, and the per-model {@link FeedbackCounters} with their markers. It
 * writes to the lifecycle's {@link Emissions} and hands every learned label back to the lifecycle's
 * {@code afterLearn}, so the batch clock and the publishing cadence are the same as for a training event.
 *
 * <p>Not thread-safe: owned by one lifecycle, one per stream task.
 */
final class FeedbackJoin {

    /** What follows a learned event, in the lifecycle (the batch clock, the refusal, the cadence). */
    interface AfterLearn {
        void afterLearn(LiveModel m, ParsedEvent e, Outcome o, long now);
    }

    /** Expired entries handled per {@link #onStreamTime} call at most (the rest on the next). */
    static final int MAX_DUE_PER_CALL = 10_000;

    private final LiveModels models;
    private final PendingPredictions pending;
    private final Emissions out;
    private final AfterLearn after;
    private final List<String> dueKeys = new ArrayList<>();
    private final List<Long> dueTimes = new ArrayList<>();
    private int lastExpired;

    /** A join over {@code pending} (null: nothing is remembered, labels are refused). */
    FeedbackJoin(LiveModels models, PendingPredictions pending, Emissions out, AfterLearn after) {
        this.models = models;
        this.pending = pending;
        this.out = out;
        this.after = after;
    }

    /** Whether predictions of a model with {@code s}'s spec are remembered. */
    boolean remembers(ModelState s) {
        return pending != null && s.spec().feedback() != null;
    }

    void remember(ModelState s, ParsedEvent e, double[] scores, long timestampMs, long servedAtMs) {
        String id = s.modelId();
        FeedbackSpec f = s.spec().feedback();
        String key = PendingPrediction.key(id, e.id());
        FeedbackCounters c = counters(id);
        if (pending.get(key) != null) {
            c.notRemembered++;
            saveCounters(id, c);
            out.reject(id, "id", "id: a prediction with id '" + e.id() + "' is already remembered (or was "
                    + "labelled or expired recently); this one was served but not remembered");
            return;
        }
        if (c.pending >= f.maxPending()) {
            c.notRemembered++;
            saveCounters(id, c);
            return;
        }
        long expiresAt = plus(timestampMs, f.ttlMs());
        PendingPrediction p = new PendingPrediction(PendingPrediction.PENDING, timestampMs, expiresAt,
                s.version(), servedAtMs, scores, e.dense(), e.named());
        pending.put(key, p.encode());
        pending.expireAt(expiresAt, key);
        c.pending++;
        saveCounters(id, c);
    }

    /**
     * A prediction the HTTP API served, from {@code prediction-log} (key = model id): remembered like the
     * topology's own, if the model has feedback.
     */
    Emissions onLoggedPrediction(String key, FeedbackRecords.LoggedPrediction logged, long now,
            long timestampMs) {
        out.clear();
        if (key == null) {
            out.reject(null, "key", "key: a prediction-log record needs the model id as its record key");
            return out;
        }
        LiveModel m = models.model(key);
        if (m == null) {
            out.reject(key, "model", "model: unknown model '" + key + "'");
            return out;
        }
        ModelState s = m.state();
        if (pending == null || s.spec().feedback() == null) {
            out.reject(key, "model", "model: '" + key + "' has no feedback in its spec; prediction not remembered");
            return out;
        }
        if (logged.scores().length != s.spec().outputs()) {
            out.reject(key, "scores", "scores: expected " + s.spec().outputs() + ", got " + logged.scores().length);
            return out;
        }
        try {
            m.encoder().features(logged.request());
        } catch (InvalidEventException ex) {
            out.reject(key, ex.field(), ex.getMessage());
            return out;
        }
        remember(s, logged.request(), logged.scores(), timestampMs,
                logged.servedAtMs() >= 0 ? logged.servedAtMs() : now);
        return out;
    }

    /** A {@code labels} record that could not be parsed, or a {@code prediction-log} record. */
    Emissions onFeedbackRejected(String key, InvalidEventException ex) {
        out.clear().reject(key, ex.field(), ex.getMessage());
        if (key != null && pending != null && models.model(key) != null) {
            FeedbackCounters c = counters(key);
            c.rejected++;
            saveCounters(key, c);
        }
        return out;
    }

    /**
     * A label (record key = model id, timestamp {@code timestampMs}) for a remembered prediction: the served
     * prediction is scored into the progressive metrics, then the model learns the remembered features with
     * this label and its parameters as they are now. An unknown, expired or already labelled id, or a label of
     * the wrong type, is rejected with that reason and changes nothing but the rejected count.
     */
    Emissions onLabel(String key, ParsedEvent label, long now, long timestampMs) {
        out.clear();
        if (key == null) {
            out.reject(null, "key", "key: a label needs the model id as its record key");
            return out;
        }
        LiveModel m = models.model(key);
        if (m == null) {
            out.reject(key, "model", "model: unknown model '" + key + "'");
            return out;
        }
        FeedbackCounters c = counters(key);
        String pk = PendingPrediction.key(key, label.id());
        byte[] b = pending == null ? null : pending.get(pk);
        String problem = null;
        PendingPrediction p = null;
        if (b == null) {
            c.unknown++;
            problem = "id: unknown id '" + label.id() + "': no prediction of model '" + key
                    + "' with this id is remembered (never served with it, the model has no feedback, or long gone)";
        } else {
            p = PendingPrediction.decode(b);
            if (p.status() == PendingPrediction.LABELLED) {
                problem = "id: '" + label.id() + "' is already labelled";
            } else if (p.status() == PendingPrediction.EXPIRED) {
                problem = "id: '" + label.id() + "' expired: its prediction waited longer than feedback.ttlMs";
            }
        }
        if (problem != null) {
            return rejectLabel(key, c, "id", problem);
        }
        ModelState s = m.state();
        ParsedEvent ev = new ParsedEvent(p.dense(), p.named(), label.label(), label.labelText(), true,
                label.weight(), label.id(), null);
        Outcome o;
        try {
            o = learnServed(m, ev, ev.label(), p, true);
        } catch (InvalidEventException ex) {
            return rejectLabel(key, c, ex.field(), ex.getMessage());
        }
        FeedbackSpec f = s.spec().feedback();
        long removeAt = plus(timestampMs, f != null ? f.ttlMs() : Math.max(1, p.expiresAtMs() - p.timestampMs()));
        pending.put(pk, p.marker(PendingPrediction.LABELLED, removeAt).encode());
        pending.expireAt(removeAt, pk);
        c.pending--;
        c.matched++;
        long delay = Math.max(0, timestampMs - p.timestampMs());
        c.delaySumMs += delay;
        c.scored(o.loss());
        saveCounters(key, c);
        LabelDelays delays = FeedbackCounters.readDelays(pending::get, key);
        delays.add(delay);
        pending.put(PendingPrediction.delaysKey(key), delays.encode());
        after.afterLearn(m, ev, o, now);
        return out;
    }

    private Emissions rejectLabel(String key, FeedbackCounters c, String field, String reason) {
        c.rejected++;
        saveCounters(key, c);
        out.reject(key, field, reason);
        return out;
    }

    /** Encodes and learns a remembered prediction's features with a label; errors as in {@link ExampleEncoder}. */
    private static Outcome learnServed(LiveModel m, ParsedEvent ev, double numeric, PendingPrediction p,
            boolean parseLabel) {
        double[] x = m.encoder().features(ev);
        double y = parseLabel ? m.encoder().label(ev) : numeric;
        if (p.scores().length != m.state().spec().outputs()) {
            throw new InvalidEventException("id", "the model changed shape since this prediction was served ("
                    + p.scores().length + " outputs then, " + m.state().spec().outputs() + " now)");
        }
        try {
            return m.state().learner().learnServed(x, y, ev.weight(), p.scores());
        } catch (InvalidExampleException ex) {
            throw new InvalidEventException(ex.field(), ex.getMessage().substring(ex.field().length() + 2));
        }
    }

    /**
     * Stream time advanced to {@code streamTimeMs}: every remembered prediction whose time has passed expires
     * (dropped, or learned with the spec's expiry label, its served prediction scored), and markers of labelled
     * or expired ids whose time has passed are removed. Incremental: only due entries of the time-ordered
     * index are read.
     */
    Emissions onStreamTime(long streamTimeMs, long now) {
        out.clear();
        if (pending == null) {
            return out;
        }
        dueKeys.clear();
        dueTimes.clear();
        lastExpired = 0;
        pending.pollDue(streamTimeMs, MAX_DUE_PER_CALL, dueKeys, dueTimes);
        for (int i = 0; i < dueKeys.size(); i++) {
            expire(dueKeys.get(i), dueTimes.get(i), now);
        }
        return out;
    }

    /** How many remembered predictions the last {@link #onStreamTime} call expired. */
    int lastExpired() {
        return lastExpired;
    }

    private void expire(String key, long atMs, long now) {
        byte[] b = pending.get(key);
        if (b == null) {
            return;
        }
        PendingPrediction p = PendingPrediction.decode(b);
        if (p.expiresAtMs() != atMs) {
            return; // an index entry of an earlier state of this key
        }
        if (p.status() != PendingPrediction.PENDING) {
            pending.put(key, null);
            return;
        }
        String model = modelOf(key);
        LiveModel m = models.model(model);
        FeedbackSpec f = m == null ? null : m.state().spec().feedback();
        long removeAt = plus(atMs, f != null ? f.ttlMs() : Math.max(1, atMs - p.timestampMs()));
        pending.put(key, p.marker(PendingPrediction.EXPIRED, removeAt).encode());
        pending.expireAt(removeAt, key);
        FeedbackCounters c = counters(model);
        c.pending--;
        c.expired++;
        lastExpired++;
        saveCounters(model, c);
        if (f == null || f.dropOnExpiry()) {
            return;
        }
        ParsedEvent ev = new ParsedEvent(p.dense(), p.named(), f.expiryLabel(), null, true, 1.0, null, null);
        Outcome o;
        try {
            o = learnServed(m, ev, f.expiryLabel(), p, false);
        } catch (InvalidEventException ex) {
            out.add(Emissions.Kind.DEAD_LETTER, model, Outputs.bytes(Outputs.deadLetter(model, "", -1, -1,
                    ex.field(), "expired prediction not learned with feedback.onExpiry.label: " + ex.getMessage(),
                    null, now)));
            return;
        }
        c.scored(o.loss());
        saveCounters(model, c);
        after.afterLearn(m, ev, o, now);
    }

    /** The model id of a {@link PendingPrediction#key}. */
    static String modelOf(String key) {
        int colon = key.indexOf(':');
        int length = Integer.parseInt(key.substring(0, colon));
        return key.substring(colon + 1, colon + 1 + length);
    }

    /** A model's feedback counters (zero when none are stored). */
    FeedbackCounters counters(String model) {
        return pending == null ? new FeedbackCounters() : FeedbackCounters.read(pending::get, model);
    }

    private void saveCounters(String model, FeedbackCounters c) {
        pending.put(PendingPrediction.countersKey(model), c.encode());
    }

    private static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** Adds the {@code feedback} counters to a model's metrics record, if the model has feedback. */
    void putMetrics(ObjectNode o, ModelState s) {
        if (remembers(s)) {
            counters(s.modelId()).putJson(o.putObject("feedback"),
                    FeedbackCounters.readDelays(pending::get, s.modelId()));
        }
    }
}
