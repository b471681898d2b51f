package org.streamlearn.store.state;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.store.spec.ChallengerSpec;
import org.streamlearn.store.spec.LearnerConfigs;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * One model: its id, spec, a live {@link OnlineLearner} over its learned state, and the bookkeeping a service
 * needs: a version that grows by one with every change (event learned, spec changed, reset), the time of the
 * last change, and when the open mini-batch received its first event (for {@code maxDelayMs}).
 *
 * <p>With a {@code drift} section in its spec, the model also carries its live drift detector, saved with it
 * (both codecs) and restored bit for bit. With {@code challengers}, it holds one live learner per candidate (the
 * spec's own configuration, named {@code main}, then each challenger): {@link #learner()} is the champion's, the
 * one that serves and is published; the others learn beside it ({@link #candidate}); {@link #promote} changes the
 * champion.
 *
 * <p>Mutable and not thread-safe, like the learner it wraps; {@link #copy()} makes an independent snapshot.
 */
public final class ModelState {

    /** The snapshot schema this build writes. */
    public static final int SCHEMA_VERSION = 1;

    private final String modelId;
    private final ModelSpec spec;
    /** The candidates: [0] the spec's own configuration ("main"), [i] challenger i − 1; one without challengers. */
    private final OnlineLearner[] candidates;
    private final DriftDetector drift;
    private int champion;
    private OnlineLearner learner;
    private long sinceChange;
    /** The metrics of the predictions the model served (the champion's at each event); with challengers only. */
    private final ProgressiveMetrics served;
    private long version;
    private long updatedAtMs;
    private long batchStartedAtMs;
    private byte[] specJson;
    private long specHash;
    private boolean specHashed;

    ModelState(String modelId, ModelSpec spec, OnlineLearner[] candidates, int champion, long sinceChange,
            ProgressiveMetrics served, DriftDetector drift, long version, long updatedAtMs, long batchStartedAtMs) {
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.candidates = candidates;
        this.champion = champion;
        this.learner = candidates[champion];
        this.sinceChange = sinceChange;
        this.served = candidates.length > 1 ? Objects.requireNonNull(served, "served") : null;
        this.drift = drift;
        this.version = version;
        this.updatedAtMs = updatedAtMs;
        this.batchStartedAtMs = batchStartedAtMs;
    }

    /** A fresh model at version 0. */
    public static ModelState create(String modelId, ModelSpec spec, long nowMs) {
        OnlineLearner[] c = new OnlineLearner[1 + spec.challengers().size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = OnlineLearner.create(ModelStates.candidateConfig(spec, i));
        }
        return new ModelState(modelId, spec, c, 0, 0, new ProgressiveMetrics(), ModelStates.freshDetector(spec), 0,
                nowMs, 0);
    }

    /**
     * A fresh model at version 0, once {@code limits} accepts its spec: nothing is allocated for a spec that
     * does not fit.
     *
     * @throws org.streamlearn.store.spec.SpecException naming the field that makes the model too large
     */
    public static ModelState create(String modelId, ModelSpec spec, long nowMs, StateLimits limits) {
        limits.check(modelId, spec);
        return create(modelId, spec, nowMs);
    }

    /** A model continuing from saved learned state (checked against the spec). */
    public static ModelState restore(String modelId, ModelSpec spec, LearnerState learned, long version,
            long updatedAtMs, long batchStartedAtMs) {
        return restore(modelId, spec, LearnerConfigs.of(spec), learned, version, updatedAtMs, batchStartedAtMs);
    }

    /**
     * As {@link #restore(String, ModelSpec, LearnerState, long, long, long)}, for a codec that already holds
     * {@code config}, which must be {@code LearnerConfigs.of(spec)}: the spec is mapped once per decode.
     */
    static ModelState restore(String modelId, ModelSpec spec, LearnerConfig config, LearnerState learned,
            long version, long updatedAtMs, long batchStartedAtMs) {
        return ModelStates.restore(modelId, spec, config, learned, ModelStates.freshDetector(spec), 0, 0, null, null,
                version, updatedAtMs, batchStartedAtMs);
    }

    /** The name of candidate {@code i} of {@code spec}: {@code main} for 0, else the challenger's. */
    public static String candidateName(ModelSpec spec, int i) {
        return i == 0 ? ChallengerSpec.MAIN : spec.challengers().get(i - 1).name();
    }

    /** The spec candidate {@code i} learns with: the model's own for 0, else challenger i − 1's overrides applied. */
    public static ModelSpec candidateSpec(ModelSpec spec, int i) {
        return i == 0 ? spec : spec.challengers().get(i - 1).spec();
    }

    /** The spec the champion learns with (the model's own until a promotion). */
    public ModelSpec championSpec() {
        return candidateSpec(spec, champion);
    }

    /**
     * This model under a new spec: a change of task, dimension or architecture starts afresh (version kept
     * growing); any other change keeps everything the spec's own configuration learned. Challengers whose name
     * and learner configuration are unchanged keep their state; the others start fresh; the champion stays when
     * it is kept, else the spec's own configuration is champion again ({@link ModelStates#carryInto}).
     */
    public ModelState withSpec(ModelSpec newSpec, long nowMs) {
        ModelState next = ModelSpecs.requiresRestart(spec, newSpec) ? create(modelId, newSpec, nowMs)
                : ModelStates.carryInto(this, newSpec, nowMs);
        next.version = version + 1;
        next.updatedAtMs = nowMs;
        return next;
    }

    /** This model restarted from zero with its spec, at the next version (the drift detector too). */
    public ModelState reset(long nowMs) {
        ModelState next = create(modelId, spec, nowMs);
        next.version = version + 1;
        return next;
    }

    /**
     * The {@code reset} action of a drift: this model's learning restarted from zero with its spec (parameters,
     * optimizer slots, standardizer, open mini-batch), at the next version, while its evaluation continues: the
     * progressive metrics, the rolling loss, the event counters and the drift detector are kept, so the model's
     * loss history and whole-stream metrics stay continuous across the restart (a {@code reset} command, by
     * contrast, restarts everything). This state is consumed: use the returned one.
     */
    public ModelState resetAfterDrift(long nowMs) {
        LearnerConfig config = learner.config();
        LearnerState fresh = OnlineLearner.create(config).state();
        LearnerState old = learner.state();
        LearnerState next = new LearnerState(fresh.params(), fresh.optimizer(), fresh.scaler(), old.metrics(),
                old.rolling(), fresh.batchGradient(), 0, old.seen(), old.refused(), old.timedFlushes());
        OnlineLearner[] c = candidates.clone();
        c[champion] = OnlineLearner.restore(config, next);
        return new ModelState(modelId, spec, c, champion, 0, served, drift, version + 1, nowMs, 0);
    }

    // --- challengers

    /** The number of candidates: 1 + the spec's challengers. */
    public int candidateCount() {
        return candidates.length;
    }

    /** Candidate {@code i}'s live learner (0: the spec's own configuration; i: challenger i − 1). */
    public OnlineLearner candidate(int i) {
        return candidates[i];
    }

    /** The index of the champion among the candidates (0 until a promotion). */
    public int championIndex() {
        return champion;
    }

    /** The champion's name ({@code main} until a promotion). */
    public String championName() {
        return candidateName(spec, champion);
    }

    /** Events since the last change of champion (creation, reset, drift reset, promotion, spec change). */
    public long sinceChange() {
        return sinceChange;
    }

    /**
     * The metrics of the predictions this model served: the champion's at each event (DESIGN.md
     * "Challengers"); without challengers, the learner's own progressive metrics.
     */
    public ProgressiveMetrics servedMetrics() {
        return served != null ? served : learner.state().metrics();
    }

    /**
     * Adds the champion's scored event to {@link #servedMetrics()}, exactly as the learner records its own
     * (nothing to do without challengers, where they are the same). Allocates nothing.
     */
    public void recordServed(Outcome o, double y) {
        if (served == null) {
            return;
        }
        switch (spec.task()) {
            case REGRESSION -> served.addRegression(y, o.prediction());
            case BINARY -> served.addBinary((int) y, o.label(), o.loss());
            default -> served.addMulticlass((int) y, o.label(), o.loss());
        }
    }

    /** Counts one scored event of the model (every candidate has learned it). */
    public void countEvent() {
        sinceChange++;
    }

    /**
     * The challenger (a candidate other than the champion) with the lowest window loss (the rolling loss's
     * window mean; ties: the first), or −1 when there is none with a finite loss.
     */
    public int bestChallenger() {
        return CandidateRules.bestChallenger(candidates, champion);
    }

    /** Candidate {@code i}'s window loss (the rolling loss's window mean; NaN before any event). */
    public double windowLoss(int i) {
        return candidates[i].state().rolling().windowMean();
    }

    /**
     * The promotion rule (DESIGN.md "Challengers", {@link org.streamlearn.store.spec.PromotionSpec}): at every
     * {@code checkEvery}-th event since the last change, once {@code minEvents} have passed, the best challenger
     * if its window loss is below the champion's by {@code margin} (relative).
     *
     * @return the candidate to promote, or −1
     */
    public int promotionDue() {
        return CandidateRules.promotionDue(this);
    }

    /** Makes candidate {@code i} the champion (the old one becomes a challenger): a change, at the next version. */
    public void promote(int i, long nowMs) {
        if (i < 0 || i >= candidates.length || i == champion) {
            throw new IllegalArgumentException("promote: no challenger " + i);
        }
        champion = i;
        learner = candidates[i];
        sinceChange = 0;
        touch(nowMs);
    }

    /**
     * Gives the drift detector the signal of one scored event (DESIGN.md "Drift detection"): with signal
     * {@code error}, {@code |y − ŷ|} for regression and, for classification, 1 when the predicted class is not
     * {@code y}, else 0; with signal {@code loss}, the event's loss. A non-finite signal (a diverged model's loss)
     * is not given to the detector. Allocates nothing.
     *
     * @param o the event's outcome, as {@link OnlineLearner#learn} returned it
     * @param y the event's label as the learner saw it
     * @return whether a drift is detected at this event; false when the spec has no drift detection
     */
    public boolean observeDrift(Outcome o, double y) {
        return drift != null && CandidateRules.observe(drift, spec, o, y);
    }

    /** The drift detector, live; {@code null} when the spec configures none. */
    public DriftDetector drift() {
        return drift;
    }

    /** Records a change: the version grows by one. */
    public void touch(long nowMs) {
        version++;
        updatedAtMs = nowMs;
    }

    /** The model id (the record key). */
    public String modelId() {
        return modelId;
    }

    /** The spec. */
    public ModelSpec spec() {
        return spec;
    }

    /** The spec as compact UTF-8 JSON, computed once (the spec never changes within a state). */
    public byte[] specJsonBytes() {
        if (specJson == null) {
            specJson = ModelSpecs.toJsonString(spec)
                    .getBytes(StandardCharsets.UTF_8);
        }
        return specJson;
    }

    /** The {@link SpecApart#hash} of {@link #specJsonBytes}, computed once. */
    public long specHash() {
        if (!specHashed) {
            specHash = SpecApart.hash(specJsonBytes());
            specHashed = true;
        }
        return specHash;
    }

    /** The champion's live learner (the only one without challengers). */
    public OnlineLearner learner() {
        return learner;
    }

    /** The live learned state. */
    public LearnerState learned() {
        return learner.state();
    }

    /** The version: grows by one with every change. */
    public long version() {
        return version;
    }

    /** Time of the last change, epoch milliseconds. */
    public long updatedAtMs() {
        return updatedAtMs;
    }

    /** When the open mini-batch got its first event (epoch ms), 0 when no batch is open. */
    public long batchStartedAtMs() {
        return batchStartedAtMs;
    }

    /** Sets when the open batch started (0: none). */
    public void setBatchStartedAtMs(long ms) {
        this.batchStartedAtMs = ms;
    }

    /** An independent deep copy. */
    public ModelState copy() {
        LearnerState[] others = new LearnerState[candidates.length - 1];
        for (int i = 0, k = 0; i < candidates.length; i++) {
            if (i != champion) {
                others[k++] = candidates[i].state().copy();
            }
        }
        return ModelStates.restore(modelId, spec, learner.config(), learner.state().copy(),
                drift == null ? null : drift.config().restore(drift.state()), champion, sinceChange, others,
                served == null ? null : served.copy(), version, updatedAtMs, batchStartedAtMs);
    }

    /** Equality of everything saved (learned state bitwise). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ModelState m && modelId.equals(m.modelId) && spec.equals(m.spec)
                && version == m.version && updatedAtMs == m.updatedAtMs && batchStartedAtMs == m.batchStartedAtMs
                && learner.state().equals(m.learner.state())
                && (drift == null ? m.drift == null : m.drift != null && drift.state().equals(m.drift.state()))
                && champion == m.champion && sinceChange == m.sinceChange && Objects.equals(served, m.served)
                && candidatesEqual(m);
    }

    private boolean candidatesEqual(ModelState m) {
        if (candidates.length != m.candidates.length) {
            return false;
        }
        for (int i = 0; i < candidates.length; i++) {
            if (!candidates[i].state().equals(m.candidates[i].state())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return modelId.hashCode() * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "ModelState[" + modelId + " v" + version + ", seen " + learner.state().seen() + "]";
    }
}
