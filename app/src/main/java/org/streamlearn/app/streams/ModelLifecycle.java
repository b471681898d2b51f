package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ModelIds;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.core.model.Prediction;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpec.FeedbackSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * The life of a model, as a plain class: creation, commands, learning, publishing cadence and mini-batch
 * timers. Every method takes the model id (the record key), the parsed input and the time, changes the
 * {@link LiveModels} it was given, and returns the {@link Emissions} to forward; no Kafka type appears here, so
 * the processors are adapters (record in, call, forward) and this class is tested with a plain unit test.
 *
 * <ul>
 *   <li><b>Creation.</b> A training event for an unknown model creates it from the seeded spec for its id
 *       ({@code --spec-dir}), else from the default spec template with the event's dimension; the new model's
 *       snapshot is published before it learns. An {@code upsert} command creates it with its spec.</li>
 *   <li><b>Commands.</b> {@code upsert} (a changed spec: a fresh model when task, dimension or architecture
 *       change, else the learned state kept; an equal spec: nothing), {@code reset}, {@code delete} (a
 *       tombstone), {@code flush} (apply the open mini-batch, then publish) and {@code publish}.</li>
 *   <li><b>Cadence.</b> A snapshot every {@code publishEvery} optimizer steps; the rolling loss every
 *       {@code metricsEveryEvents} events ({@link #onEvent}) and, on the metrics timer, for every model that
 *       learned since its last publication ({@link #onMetricsTimer}).</li>
 *   <li><b>Batch timer.</b> {@link #onBatchTimer} applies mini-batches whose {@code maxDelayMs} ran out.</li>
 *   <li><b>Rejections.</b> Anything unusable is a {@link Emissions.Kind#REJECTED} entry naming the field and
 *       the reason, and leaves the model untouched; a step refused by the divergence guard is one too. A spec
 *       (upserted, seeded or templated) that does not fit {@link TopologyFactory.Settings#limits()} is refused
 *       before anything is allocated, so every model's records fit its topics.</li>
 *
 *   <li><b>Drift and challengers.</b> After the champion learned an event, {@link CandidateStep} has every
 *       challenger learn it, gives the drift detector its value and applies the promotion rule; drifts and
 *       promotions are {@link Emissions.Kind#MODEL_EVENT} entries; a drift reset or a promotion publishes the
 *       model (the periodic snapshot of that event is skipped).</li>
 * </ul>
 *
 * <p>Where the coming rooms go: delayed labels are one more entry point, {@code onLabel(id, label, now)},
 * that scores the remembered prediction and then calls {@code learn}.
 *
 * <p>Not thread-safe: one instance per stream task, like the store it works on. The returned {@link Emissions}
 * is reused by the next call.
 */
public final class ModelLifecycle {

    /** The field of the rejection that reports a step refused by the divergence guard. */
    public static final String REFUSED_FIELD = "gradient";

    /** Expired entries handled per {@link #onStreamTime} call at most (the rest on the next). */
    static final int MAX_DUE_PER_CALL = 10_000;

    private final TopologyFactory.Settings settings;
    private final LiveModels models;
    private final PendingPredictions pending;
    private final Emissions out = new Emissions();
    private final BiConsumer<String, ObjectNode> modelEvents =
            (type, record) -> out.modelEvent(record.get("model").asText(), type, Outputs.bytes(record));
    private final List<String> dueKeys = new ArrayList<>();
    private final List<Long> dueTimes = new ArrayList<>();
    private int lastExpired;

    /** A lifecycle over {@code models}, with the creation policy and cadence of {@code settings}; no feedback. */
    public ModelLifecycle(TopologyFactory.Settings settings, LiveModels models) {
        this(settings, models, null);
    }

    /**
     * A lifecycle over {@code models} that remembers predictions of models with feedback in {@code pending}
     * (null: none are remembered, labels are refused).
     */
    public ModelLifecycle(TopologyFactory.Settings settings, LiveModels models, PendingPredictions pending) {
        this.settings = settings;
        this.models = models;
        this.pending = pending;
    }

    // --- training events

    /**
     * A training event for the record key {@code key}, which must be a valid model id ({@link ModelIds}). The
     * event's {@code model} field, when present, must equal the key: a keyless event cannot be routed to its
     * model's partition, so it is rejected with a reason that says to key it by model id. A rejected event never
     * creates a model: the first event of an unknown model is checked against the new model's spec before the
     * model is saved.
     */
    public Emissions onEvent(String key, ParsedEvent e, long now) {
        out.clear();
        if (!acceptKey(key, e.model(), "event")) {
            return out;
        }
        String id = key;
        LiveModel m = models.model(id);
        if (m == null) {
            ModelState created;
            try {
                created = ModelState.create(id, specForNewModel(id, e), now, settings.limits());
            } catch (InvalidEventException ex) {
                out.reject(id, ex.field(), ex.getMessage());
                return out;
            } catch (SpecException ex) {
                out.reject(id, "spec." + ex.field(), "spec." + ex.getMessage()
                        + " (the spec this event's model would be created with)");
                return out;
            }
            ExampleEncoder enc = new ExampleEncoder(created.spec());
            try {
                created.learner().validate(enc.features(e), enc.label(e), e.weight());
            } catch (InvalidEventException ex) {
                out.reject(id, ex.field(), ex.getMessage());
                return out;
            } catch (InvalidExampleException ex) {
                InvalidEventException named = enc.named(ex, e);
                out.reject(id, named.field(), named.getMessage());
                return out;
            }
            m = models.save(created);
            publishSnapshot(m.state(), now);
        }
        learn(m, e, now);
        return out;
    }

    /**
     * Checks the record key of an input: a valid model id, and equal to the input's {@code model} field when it
     * has one. On failure adds the rejection (its key bounded for display) and returns false.
     */
    private boolean acceptKey(String key, String modelField, String what) {
        String problem = keyProblem(key, modelField, what);
        if (problem == null) {
            return true;
        }
        out.reject(ModelIds.display(key), problem.startsWith("model:") ? "model" : "key", problem);
        return false;
    }

    /** What is wrong with the key of an input (see {@link #acceptKey}), or null. */
    private static String keyProblem(String key, String modelField, String what) {
        if (key == null) {
            return "key: null; key the record by its model id" + (what.equals("command") ? ""
                    : " (the " + what + "'s \"model\" field is honoured only when it equals the record key)")
                    + (modelField == null ? ""
                    : "; the " + what + " names model \"" + ModelIds.display(modelField) + "\"");
        }
        try {
            ModelIds.check(key, "key");
        } catch (InvalidEventException ex) {
            return ex.getMessage();
        }
        if (modelField != null && !modelField.equals(key)) {
            return "model: \"" + ModelIds.display(modelField) + "\" differs from the record key \"" + key + "\"";
        }
        return null;
    }

    /** A training event that could not be parsed (a bad key is reported first). */
    public Emissions onEventRejected(String key, InvalidEventException ex) {
        out.clear();
        if (acceptKey(key, null, "event")) {
            out.reject(key, ex.field(), ex.getMessage());
        }
        return out;
    }

    private void learn(LiveModel m, ParsedEvent e, long now) {
        ModelState s = m.state();
        Outcome o;
        try {
            o = m.encoder().learn(s.learner(), e);
        } catch (InvalidEventException ex) {
            out.reject(s.modelId(), ex.field(), ex.getMessage());
            return;
        }
        afterLearn(m, e, o, now);
    }

    /** What follows a learned event: the batch clock, the refusal, the publishing cadence. */
    private void afterLearn(LiveModel m, ParsedEvent e, Outcome o, long now) {
        ModelState s = m.state();
        s.touch(now);
        int open = s.learned().batchCount();
        if (open == 1 && s.batchStartedAtMs() == 0) {
            s.setBatchStartedAtMs(now);
        } else if (open == 0) {
            s.setBatchStartedAtMs(0);
        }
        models.markDirty(m);
        if (o.refused()) {
            out.reject(s.modelId(), REFUSED_FIELD, "divergence guard: " + o.refusal()
                    + "; the model kept its last finite state");
        }
        if (s.drift() != null || s.candidateCount() > 1) {
            int champion = s.championIndex();
            ModelState next = CandidateStep.afterLearn(s, m.encoder(), e, o, now, modelEvents);
            if (next != s) {
                replace(m, next, now); // a drift reset: the periodic snapshot and metrics would show a model gone
                return;
            }
            if (s.championIndex() != champion) {
                publishSnapshot(s, now);
                return;
            }
        }
        if (o.stepped() && s.learned().steps() % s.spec().publishEvery() == 0) {
            publishSnapshot(s, now);
        }
        if (s.learned().seen() % settings.metricsEveryEvents() == 0) {
            publishMetrics(m, now);
        }
    }

    private ModelSpec specForNewModel(String id, ParsedEvent e) {
        ModelSpec seeded = settings.seedSpecs().get(id);
        if (seeded != null) {
            return seeded;
        }
        ObjectNode t = settings.defaultSpec().deepCopy();
        if (!t.has("features") && !t.has("hashBits")) {
            if (e.dense() == null) {
                throw new InvalidEventException("features", "named features need a spec with hashBits: send an "
                        + "upsert command for model '" + id + "' first, or set hashBits in the default spec");
            }
            t.put("features", e.dense().length);
        }
        try {
            return ModelSpecs.fromTree(t);
        } catch (SpecException ex) {
            throw new InvalidEventException("default.spec", ex.getMessage());
        }
    }

    // --- commands

    /** A model command for the model {@code id} (the record key, which a command must have). */
    public Emissions onCommand(String id, ModelCommand c, long now) {
        out.clear();
        if (!acceptKey(id, null, "command")) {
            return out;
        }
        LiveModel m = models.model(id);
        switch (c.type()) {
            case UPSERT -> {
                try {
                    settings.limits().check(id, c.spec());
                } catch (SpecException ex) {
                    out.reject(id, "spec." + ex.field(), "spec." + ex.getMessage());
                    return out;
                }
                if (m == null) {
                    m = models.save(ModelState.create(id, c.spec(), now));
                    m.state().touch(now);
                } else if (!m.state().spec().equals(c.spec())) {
                    m = models.save(m.state().withSpec(c.spec(), now));
                } else {
                    return out;
                }
                publishSnapshot(m.state(), now);
            }
            case RESET -> {
                if (m == null) {
                    out.reject(id, "model", "model: no model '" + id + "' to reset");
                    return out;
                }
                reset(m, now);
            }
            case DELETE -> {
                if (m == null) {
                    out.reject(id, "model", "model: no model '" + id + "' to delete");
                    return out;
                }
                models.remove(id);
                out.add(Emissions.Kind.PARAMETERS, id, null);
            }
            case FLUSH, PUBLISH -> {
                if (m == null) {
                    out.reject(id, "model", "model: no model '" + id + "'");
                    return out;
                }
                ModelState s = m.state();
                if (c.type() == ModelCommand.Type.FLUSH && s.learned().batchCount() > 0) {
                    s.learner().flush();
                    s.setBatchStartedAtMs(0);
                    s.touch(now);
                    models.markDirty(m);
                }
                publishSnapshot(s, now);
                publishMetrics(m, now);
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /** A model command that could not be parsed (a missing key is reported first). */
    public Emissions onCommandRejected(String id, InvalidEventException ex) {
        out.clear();
        if (acceptKey(id, null, "command")) {
            out.reject(id, ex.field(), ex.getMessage());
        }
        return out;
    }

    /** Restarts a model from zero with its spec and publishes it (the reset command; a drift action later). */
    private void reset(LiveModel m, long now) {
        replace(m, m.state().reset(now), now);
    }

    /** Saves a restarted model in place of {@code m}'s and publishes it. */
    private void replace(LiveModel m, ModelState restarted, long now) {
        LiveModel r = models.save(restarted);
        r.metricsPublishedAtSeen = 0;
        publishSnapshot(r.state(), now);
    }

    // --- prediction requests

    /**
     * A prediction request for the record key {@code key}: a valid model id, equal to the request's
     * {@code model} field when it has one (as for {@link #onEvent}).
     */
    public Emissions onRequest(String key, ParsedEvent e, long now) {
        return onRequest(key, e, now, now);
    }

    /**
     * A prediction request with record timestamp {@code timestampMs}: answered, and for a model with feedback
     * and a request with an id, remembered until its label comes or it expires (DESIGN.md "Delayed labels").
     */
    public Emissions onRequest(String key, ParsedEvent e, long now, long timestampMs) {
        out.clear();
        String problem = keyProblem(key, e.model(), "request");
        if (problem != null) {
            return predictionError(e.id(), ModelIds.display(key), problem.startsWith("model:") ? "model" : "key",
                    problem, now);
        }
        String id = key;
        LiveModel m = models.model(id);
        if (m == null) {
            return predictionError(e.id(), id, "model", "model: unknown model '" + id + "'", now);
        }
        Prediction p;
        try {
            p = m.state().learner().predict(m.encoder().features(e));
        } catch (InvalidEventException ex) {
            return predictionError(e.id(), id, ex.field(), ex.getMessage(), now);
        } catch (InvalidExampleException ex) {
            InvalidEventException named = m.encoder().named(ex, e);
            return predictionError(e.id(), id, named.field(), named.getMessage(), now);
        }
        out.add(Emissions.Kind.PREDICTION, id, Outputs.bytes(Outputs.prediction(e.id(), m.state(), p, now)));
        if (pending != null && e.id() != null && m.state().spec().feedback() != null) {
            remember(m.state(), e, p.scores(), timestampMs, now);
        }
        return out;
    }

    /** A prediction request that could not be parsed: an error record with no request id. */
    public Emissions onRequestRejected(String key, InvalidEventException ex, long now) {
        out.clear();
        String problem = keyProblem(key, null, "request");
        if (problem != null) {
            return predictionError(null, ModelIds.display(key), "key", problem, now);
        }
        return predictionError(null, key, ex.field(), ex.getMessage(), now);
    }

    private Emissions predictionError(String requestId, String model, String field, String reason, long now) {
        out.add(Emissions.Kind.PREDICTION, model,
                Outputs.bytes(Outputs.predictionError(requestId, model, field, reason, now)));
        return out;
    }

    // --- delayed labels (DESIGN.md "Delayed labels")

    private void remember(ModelState s, ParsedEvent e, double[] scores, long timestampMs, long servedAtMs) {
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
    public Emissions onLoggedPrediction(String key, FeedbackRecords.LoggedPrediction logged, long now,
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
    public Emissions onFeedbackRejected(String key, InvalidEventException ex) {
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
    public Emissions onLabel(String key, ParsedEvent label, long now, long timestampMs) {
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
        c.delaySumMs += Math.max(0, timestampMs - p.timestampMs());
        saveCounters(key, c);
        afterLearn(m, ev, o, now);
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
    public Emissions onStreamTime(long streamTimeMs, long now) {
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
    public int lastExpired() {
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
        afterLearn(m, ev, o, now);
    }

    /** The model id of a {@link PendingPrediction#key}. */
    static String modelOf(String key) {
        int colon = key.indexOf(':');
        int length = Integer.parseInt(key.substring(0, colon));
        return key.substring(colon + 1, colon + 1 + length);
    }

    /** A model's feedback counters (zero when none are stored). */
    public FeedbackCounters counters(String model) {
        return FeedbackCounters.decode(pending == null ? null : pending.get(PendingPrediction.countersKey(model)));
    }

    private void saveCounters(String model, FeedbackCounters c) {
        pending.put(PendingPrediction.countersKey(model), c.encode());
    }

    private static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    // --- timers

    /** The metrics timer: the rolling loss of every live model that learned since its last publication. */
    public Emissions onMetricsTimer(long now) {
        out.clear();
        for (LiveModel m : models.cached()) {
            if (m.state().learned().seen() > m.metricsPublishedAtSeen) {
                publishMetrics(m, now);
            }
        }
        return out;
    }

    /** The batch timer: applies every open mini-batch whose {@code maxDelayMs} has run out by {@code now}. */
    public Emissions onBatchTimer(long now) {
        out.clear();
        List<String> done = new ArrayList<>();
        for (String id : models.openBatches()) {
            LiveModel m = models.model(id);
            if (m == null || m.state().batchStartedAtMs() == 0) {
                done.add(id);
                continue;
            }
            ModelState s = m.state();
            long maxDelay = s.spec().update().maxDelayMs();
            if (maxDelay > 0 && now - s.batchStartedAtMs() >= maxDelay) {
                s.learner().flushOnTimer();
                s.setBatchStartedAtMs(0);
                s.touch(now);
                models.markDirty(m);
                done.add(id);
                if (s.learned().steps() % s.spec().publishEvery() == 0) {
                    publishSnapshot(s, now);
                }
            }
        }
        models.openBatches().removeAll(done);
        return out;
    }

    // --- publishing

    private void publishSnapshot(ModelState s, long now) {
        byte[] json;
        try {
            json = JsonStateCodec.toBytes(s);
        } catch (IllegalArgumentException ex) {
            out.add(Emissions.Kind.DEAD_LETTER, s.modelId(), Outputs.bytes(Outputs.deadLetter(s.modelId(), "", -1,
                    -1, "snapshot", "snapshot not published: " + ex.getMessage(), null, now)));
            return;
        }
        out.add(Emissions.Kind.PARAMETERS, s.modelId(), json);
    }

    private void publishMetrics(LiveModel m, long now) {
        m.metricsPublishedAtSeen = m.state().learned().seen();
        ObjectNode o = Outputs.metrics(m.state(), now);
        if (pending != null && m.state().spec().feedback() != null) {
            FeedbackCounters c = counters(m.state().modelId());
            ObjectNode f = o.putObject("feedback");
            f.put("pending", c.pending());
            f.put("matched", c.matched());
            f.put("expired", c.expired());
            f.put("unknown", c.unknown());
            f.put("rejected", c.rejected());
            f.put("notRemembered", c.notRemembered());
            if (c.matched() > 0) {
                f.put("meanDelayMs", c.meanDelayMs());
            }
        }
        out.add(Emissions.Kind.METRICS, m.state().modelId(), Outputs.bytes(o));
    }
}
