package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ModelIds;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.store.spec.SpecException;
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
 *       tombstone; a replicated model's state on the merge step and its replicas goes too), {@code flush} (apply the open mini-batch, then publish) and {@code publish}.</li>
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
 * <p>The parts are package-private helpers sharing its {@link Emissions}: {@link ModelCreation} (the spec of a
 * new model), {@link PredictionServing} (requests), {@link FeedbackJoin} (delayed labels: remembered
 * predictions, labels, expiry, feedback counters), {@link Publishing} (snapshots and metrics records),
 * {@link ReplicaHooks} (models with replicas: spreading, refused changes, delete) and {@link BatchTimer}.
 *
 * <p>Not thread-safe: one instance per stream task, like the store it works on. The returned {@link Emissions}
 * is reused by the next call.
 */
public final class ModelLifecycle {

    /** The field of the rejection that reports a step refused by the divergence guard. */
    public static final String REFUSED_FIELD = "gradient";

    private final TopologyFactory.Settings settings;
    private final LiveModels models;
    private final Emissions out = new Emissions();
    private final BiConsumer<String, ObjectNode> modelEvents =
            (type, record) -> out.modelEvent(record.get("model").asText(), type, Outputs.bytes(record));
    private final ModelCreation creation;
    private final FeedbackJoin feedback;
    private final Publishing publish;
    private final PredictionServing serving;
    private final ReplicaHooks replicas;
    private MergedModels merged = MergedModels.none();
    /** The models that learned since the last metrics tick, each once ({@link LiveModel#metricsQueued}). */
    private final List<LiveModel> learnedSinceMetrics = new ArrayList<>();

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
        this.creation = new ModelCreation(settings, out);
        this.feedback = new FeedbackJoin(models, pending, out, this::afterLearn);
        this.publish = new Publishing(out, feedback);
        this.serving = new PredictionServing(models, out, feedback);
        this.replicas = new ReplicaHooks(out);
    }

    /**
     * Spreads the events of replicated models (DESIGN.md "Replicas") with {@code counters}: their generations
     * and round-robin counts (see {@link ReplicaHooks}; without them, such events are rejected).
     */
    ModelLifecycle withReplicas(ReplicaHooks.Counters counters) {
        replicas.withCounters(counters);
        return this;
    }

    /** Serves and publishes replicated models as their merged models: {@code merged}'s bytes by id, or null. */
    public ModelLifecycle withMerged(Function<String, byte[]> merged) {
        this.merged = new MergedModels(merged);
        serving.withMerged(this.merged);
        return this;
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
        if (!RecordKeys.accept(out, key, e.model(), "event")) {
            return out;
        }
        String id = key;
        LiveModel m = models.model(id);
        if (m == null) {
            ModelState created = creation.forEvent(id, e, now);
            if (created == null) {
                return out;
            }
            m = models.save(created);
            publish.snapshot(m.state(), now);
            replicas.created(m.state());
        }
        if (!replicas.spread(m.state(), e)) {
            learn(m, e, now);
        }
        return out;
    }

    /** A training event that could not be parsed (a bad key is reported first). */
    public Emissions onEventRejected(String key, InvalidEventException ex) {
        out.clear();
        if (RecordKeys.accept(out, key, null, "event")) {
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
        if (!m.metricsQueued) {
            m.metricsQueued = true;
            learnedSinceMetrics.add(m);
        }
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
                publish.snapshot(s, now);
                return;
            }
        }
        if (o.stepped() && s.learned().steps() % s.spec().publishEvery() == 0) {
            publish.snapshot(s, now);
        }
        if (s.learned().seen() % settings.metricsEveryEvents() == 0) {
            publish.metrics(m, now);
        }
    }

    // --- commands

    /** A model command for the model {@code id} (the record key, which a command must have). */
    public Emissions onCommand(String id, ModelCommand c, long now) {
        out.clear();
        if (!RecordKeys.accept(out, id, null, "command")) {
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
                    replicas.created(m.state());
                } else if (!m.state().spec().equals(c.spec())) {
                    if (replicas.refuseSpecChange(id, m.state().spec(), c.spec())) {
                        return out;
                    }
                    m = models.save(m.state().withSpec(c.spec(), now));
                } else {
                    return out;
                }
                publish.snapshot(m.state(), now);
            }
            case RESET -> {
                if (m == null) {
                    out.reject(id, "model", "model: no model '" + id + "' to reset");
                    return out;
                }
                if (replicas.refuseReset(m.state())) {
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
                replicas.deleted(id, m.state().spec());
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
                publish.snapshot(merged.served(m).state(), now);
                publish.metrics(m, now);
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /** A model command that could not be parsed (a missing key is reported first). */
    public Emissions onCommandRejected(String id, InvalidEventException ex) {
        out.clear();
        if (RecordKeys.accept(out, id, null, "command")) {
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
        publish.snapshot(r.state(), now);
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
        return serving.onRequest(key, e, now, timestampMs);
    }

    /** A prediction request that could not be parsed: an error record with no request id. */
    public Emissions onRequestRejected(String key, InvalidEventException ex, long now) {
        return serving.onRequestRejected(key, ex, now);
    }

    // --- delayed labels (DESIGN.md "Delayed labels"), joined by {@link FeedbackJoin}

    /**
     * A prediction the HTTP API served, from {@code prediction-log} (key = model id): remembered like the
     * topology's own, if the model has feedback.
     */
    public Emissions onLoggedPrediction(String key, FeedbackRecords.LoggedPrediction logged, long now,
            long timestampMs) {
        return feedback.onLoggedPrediction(key, logged, now, timestampMs);
    }

    /** A {@code labels} record that could not be parsed, or a {@code prediction-log} record. */
    public Emissions onFeedbackRejected(String key, InvalidEventException ex) {
        return feedback.onFeedbackRejected(key, ex);
    }

    /**
     * A label (record key = model id, timestamp {@code timestampMs}) for a remembered prediction: the served
     * prediction is scored into the progressive metrics, then the model learns the remembered features with
     * this label and its parameters as they are now. An unknown, expired or already labelled id, or a label of
     * the wrong type, is rejected with that reason and changes nothing but the rejected count.
     */
    public Emissions onLabel(String key, ParsedEvent label, long now, long timestampMs) {
        return feedback.onLabel(key, label, now, timestampMs);
    }

    /**
     * Stream time advanced to {@code streamTimeMs}: remembered predictions and markers whose time has passed
     * expire (see {@link FeedbackJoin#onStreamTime}).
     */
    public Emissions onStreamTime(long streamTimeMs, long now) {
        return feedback.onStreamTime(streamTimeMs, now);
    }

    /** How many remembered predictions the last {@link #onStreamTime} call expired. */
    public int lastExpired() {
        return feedback.lastExpired();
    }

    /** A model's feedback counters (zero when none are stored). */
    public FeedbackCounters counters(String model) {
        return feedback.counters(model);
    }

    // --- timers

    /**
     * The metrics timer: the rolling loss of every live model that learned since its last publication, in the
     * order they first learned since the last tick. It visits the models that learned (a list kept as they do),
     * not every cached one: with 100,000 cached models the walk took 7 % of a stream thread's samples
     * (docs/benchmarks.md, figure 2). A model that left the cache since (written back) is skipped, as before:
     * it is published again once it is read back and learns.
     */
    public Emissions onMetricsTimer(long now) {
        out.clear();
        for (LiveModel m : learnedSinceMetrics) {
            m.metricsQueued = false;
            if (!m.evicted && m.state().learned().seen() > m.metricsPublishedAtSeen) {
                publish.metrics(m, now);
            }
        }
        learnedSinceMetrics.clear();
        return out;
    }

    /** The batch timer: applies every open mini-batch whose {@code maxDelayMs} has run out by {@code now}. */
    public Emissions onBatchTimer(long now) {
        out.clear();
        BatchTimer.flushDue(models, publish, now);
        return out;
    }
}
