package org.streamlearn.store.state;

import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.spec.LearnerConfigs;
import org.streamlearn.store.spec.ModelSpec;

/**
 * The rules by which a {@link ModelState} is built from parts: restored from a codec (checked against its
 * spec), and carried into a new spec of the same shape ({@link ModelState#withSpec}); with the candidates'
 * configurations and the fresh drift detector they share.
 */
final class ModelStates {

    private ModelStates() {
    }

    /**
     * A model restored by a codec, checked against its spec: the champion's {@code config} and {@code learned}
     * state, the drift detector ({@code null} exactly when the spec has none), the champion's index among the
     * candidates, the events since the last change of champion, the other candidates' states in candidate order
     * ({@code null}: fresh) and the metrics of the served predictions ({@code null}: fresh).
     */
    static ModelState restore(String modelId, ModelSpec spec, LearnerConfig config, LearnerState learned,
            DriftDetector drift, int champion, long sinceChange, LearnerState[] others, ProgressiveMetrics served,
            long version, long updatedAtMs, long batchStartedAtMs) {
        if ((drift == null) != (spec.drift() == null)) {
            throw new IllegalArgumentException("drift: a detector must be saved exactly when the spec has one");
        }
        int n = 1 + spec.challengers().size();
        if (champion < 0 || champion >= n || sinceChange < 0) {
            throw new IllegalArgumentException("champion: candidate " + champion + " of " + n + ", " + sinceChange
                    + " events since the last change");
        }
        if (others != null && others.length != n - 1) {
            throw new IllegalArgumentException("challengers: " + others.length + " saved, the spec has " + (n - 1));
        }
        OnlineLearner[] c = new OnlineLearner[n];
        for (int i = 0, k = 0; i < n; i++) {
            if (i == champion) {
                c[i] = OnlineLearner.restore(config, learned);
            } else {
                LearnerConfig ci = candidateConfig(spec, i);
                c[i] = others == null ? OnlineLearner.create(ci) : OnlineLearner.restore(ci, others[k++]);
            }
        }
        return new ModelState(modelId, spec, c, champion, sinceChange, served == null ? new ProgressiveMetrics()
                : served, drift, version, updatedAtMs, batchStartedAtMs);
    }

    /**
     * {@code s} under {@code newSpec}, which does not require a restart, at {@code s}'s version (the caller
     * sets the next): everything the spec's own configuration learned is kept; challengers whose name and
     * learner configuration are unchanged keep their state, the others start fresh; the champion stays when it
     * is kept, else the spec's own configuration is champion again.
     */
    static ModelState carryInto(ModelState s, ModelSpec newSpec, long nowMs) {
        OnlineLearner main = s.candidate(0);
        LearnerConfig config = LearnerConfigs.of(newSpec);
        if (main.state().batchCount() >= config.batchSize()) {
            main.flush();
        }
        OnlineLearner[] c = new OnlineLearner[1 + newSpec.challengers().size()];
        c[0] = OnlineLearner.restore(config, carryOver(main, config));
        int newChampion = s.championIndex() == 0 ? 0 : -1;
        for (int i = 1; i < c.length; i++) {
            LearnerConfig ci = candidateConfig(newSpec, i);
            int old = candidateIndex(s.spec(), ModelState.candidateName(newSpec, i));
            if (old > 0 && !s.candidate(old).config().equals(ci)) {
                old = -1;
            }
            c[i] = old > 0 ? s.candidate(old) : OnlineLearner.create(ci);
            if (old > 0 && old == s.championIndex()) {
                newChampion = i;
            }
        }
        ProgressiveMetrics servedSoFar = s.servedMetrics().copy(); // without challengers, main's own
        return new ModelState(s.modelId(), newSpec, c, Math.max(newChampion, 0),
                newChampion >= 0 ? s.sinceChange() : 0, servedSoFar, carryDetector(s.drift(), newSpec), s.version(),
                nowMs, main.state().batchCount() > 0 ? s.batchStartedAtMs() : 0);
    }

    /** The learner configuration of candidate {@code i} of {@code spec} (0: the spec's own). */
    static LearnerConfig candidateConfig(ModelSpec spec, int i) {
        return LearnerConfigs.of(i == 0 ? spec : spec.challengers().get(i - 1).spec());
    }

    /** The index of the candidate named {@code name} in {@code spec}, or −1. */
    private static int candidateIndex(ModelSpec spec, String name) {
        for (int i = 0; i <= spec.challengers().size(); i++) {
            if (ModelState.candidateName(spec, i).equals(name)) {
                return i;
            }
        }
        return -1;
    }
    /** A fresh drift detector for {@code spec}, or null when it configures none. */
    static DriftDetector freshDetector(ModelSpec spec) {
        return spec.drift() == null ? null : spec.drift().detector().newDetector();
    }
    /**
     * The learned state carried into a new configuration of the same shape: parameters, metrics and counters
     * kept; optimizer slots kept when the optimizer type is unchanged, else fresh; the standardizer kept,
     * created or dropped with {@code standardize}; the rolling loss kept when its settings are unchanged.
     */
    private static LearnerState carryOver(OnlineLearner learner, LearnerConfig config) {
        LearnerState old = learner.state().copy();
        LearnerConfig oldConfig = learner.config();
        var optimizerState = oldConfig.optimizer().name().equals(config.optimizer().name())
                ? old.optimizer() : config.optimizer().newState(old.params().length);
        var scaler = config.standardize()
                ? (old.scaler() != null ? old.scaler() : new Standardizer(
                        config.features()))
                : null;
        var rolling = oldConfig.metricsWindow() == config.metricsWindow()
                && oldConfig.ewmaAlpha() == config.ewmaAlpha()
                ? old.rolling() : new RollingLoss(config.metricsWindow(),
                        config.ewmaAlpha());
        LearnerState next = new LearnerState(old.params(), optimizerState, scaler, old.metrics(), rolling,
                old.batchGradient(), old.batchCount(), old.seen(), old.refused(), old.timedFlushes());
        next.setLastStep(old.lastGradientNorm(), old.lastLearningRate());
        return next;
    }

    /** The detector under a new spec: kept (a copy) when its configuration is unchanged, else fresh or none. */
    private static DriftDetector carryDetector(DriftDetector drift, ModelSpec newSpec) {
        if (newSpec.drift() == null) {
            return null;
        }
        return drift != null && drift.config().equals(newSpec.drift().detector())
                ? drift.config().restore(drift.state()) : freshDetector(newSpec);
    }
}
