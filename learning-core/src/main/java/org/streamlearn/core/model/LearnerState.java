package org.streamlearn.core.model;

import java.util.Arrays;
import java.util.Objects;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.OptimizerState;

/**
 * Everything a model has learned, and nothing it was configured with: parameters, optimizer state,
 * standardizer statistics, the open mini-batch (running sum of gradients and its event count), metrics and
 * counters. A snapshot of this state restores a model that continues bit-identically.
 */
public final class LearnerState {

    final double[] params;
    final OptimizerState optimizer;
    final Standardizer scaler;
    final ProgressiveMetrics metrics;
    final RollingLoss rolling;
    final double[] batchGradient;
    int batchCount;
    long seen;
    long refused;
    long timedFlushes;
    double lastGradientNorm;
    double lastLearningRate;

    /**
     * Assembles a state from saved parts; the arrays are taken as they are.
     *
     * @param params        the parameter vector (layout of the {@link Model})
     * @param optimizer     optimizer step and slots
     * @param scaler        standardizer statistics, or null without standardization
     * @param metrics       whole-stream progressive sums
     * @param rolling       rolling loss
     * @param batchGradient running sum of the open batch's gradients (length of params)
     * @param batchCount    events in the open batch
     * @param seen          events learned from
     * @param refused       steps refused by the divergence guard
     * @param timedFlushes  batches applied by a timer rather than by size (not reproducible by a replay)
     */
    public LearnerState(double[] params, OptimizerState optimizer, Standardizer scaler, ProgressiveMetrics metrics,
            RollingLoss rolling, double[] batchGradient, int batchCount, long seen, long refused,
            long timedFlushes) {
        this.params = Objects.requireNonNull(params, "params");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.scaler = scaler;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.rolling = Objects.requireNonNull(rolling, "rolling");
        this.batchGradient = Objects.requireNonNull(batchGradient, "batchGradient");
        if (batchGradient.length != params.length) {
            throw new IllegalArgumentException("batch gradient length " + batchGradient.length
                    + " differs from the parameter count " + params.length);
        }
        if (batchCount < 0 || seen < 0 || refused < 0 || timedFlushes < 0) {
            throw new IllegalArgumentException("counters must be >= 0");
        }
        this.batchCount = batchCount;
        this.seen = seen;
        this.refused = refused;
        this.timedFlushes = timedFlushes;
        this.lastGradientNorm = Double.NaN;
        this.lastLearningRate = Double.NaN;
    }

    /** Checks that this state fits {@code config}, whose model has {@code n} parameters (a restore's check). */
    void checkFits(LearnerConfig config, int n) {
        Optimizer opt = config.optimizer();
        if (params.length != n) {
            throw new IllegalArgumentException("weights: the state has " + params.length
                    + " parameters, the spec needs " + n);
        }
        String[] names = opt.slotNames();
        double[][] slots = optimizer.slots();
        if (slots.length != names.length) {
            throw new IllegalArgumentException("optimizer.slots: " + opt.name() + " keeps " + names.length
                    + " slots, the state has " + slots.length);
        }
        for (int i = 0; i < slots.length; i++) {
            if (slots[i].length != n) {
                throw new IllegalArgumentException("optimizer.slots." + names[i] + ": length " + slots[i].length
                        + ", expected " + n);
            }
        }
        if (config.standardize() != (scaler != null)) {
            throw new IllegalArgumentException("scaler: " + (config.standardize() ? "missing" : "present")
                    + " but standardize is " + config.standardize());
        }
        if (scaler != null && scaler.dimension() != config.features()) {
            throw new IllegalArgumentException("scaler: dimension " + scaler.dimension() + ", expected "
                    + config.features());
        }
        if (batchCount >= config.batchSize()) {
            throw new IllegalArgumentException("batch: " + batchCount + " buffered events, but batchSize is "
                    + config.batchSize());
        }
    }

    /** The parameter vector, live. */
    public double[] params() {
        return params;
    }

    /** The optimizer state, live. */
    public OptimizerState optimizer() {
        return optimizer;
    }

    /** The standardizer, live, or null. */
    public Standardizer scaler() {
        return scaler;
    }

    /** Whole-stream progressive metrics, live. */
    public ProgressiveMetrics metrics() {
        return metrics;
    }

    /** Rolling loss, live. */
    public RollingLoss rolling() {
        return rolling;
    }

    /** Running gradient sum of the open batch, live. */
    public double[] batchGradient() {
        return batchGradient;
    }

    /** Events in the open (not yet applied) batch. */
    public int batchCount() {
        return batchCount;
    }

    /** Events learned from. */
    public long seen() {
        return seen;
    }

    /** Optimizer steps taken. */
    public long steps() {
        return optimizer.step();
    }

    /** Steps refused by the divergence guard. */
    public long refused() {
        return refused;
    }

    /** Batches applied by a timer (maxDelayMs) rather than by size. */
    public long timedFlushes() {
        return timedFlushes;
    }

    /** Norm of the last step's gradient (after l2, before clipping); NaN before any step. */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    /** Rate of the last step; NaN before any step. */
    public double lastLearningRate() {
        return lastLearningRate;
    }

    /** Restores the diagnostics of the last step (not part of the learned maths). */
    public void setLastStep(double gradientNorm, double learningRate) {
        this.lastGradientNorm = gradientNorm;
        this.lastLearningRate = learningRate;
    }

    /** A deep copy. */
    public LearnerState copy() {
        LearnerState c = new LearnerState(params.clone(), optimizer.copy(), scaler == null ? null : scaler.copy(),
                metrics.copy(), rolling.copy(), batchGradient.clone(), batchCount, seen, refused, timedFlushes);
        c.lastGradientNorm = lastGradientNorm;
        c.lastLearningRate = lastLearningRate;
        return c;
    }

    /**
     * Bitwise equality of everything learned (diagnostics excluded; the batch gradient only while a batch is
     * open, since a closed batch's buffer is scratch).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof LearnerState s && Arrays.equals(params, s.params) && optimizer.equals(s.optimizer)
                && Objects.equals(scaler, s.scaler) && metrics.equals(s.metrics) && rolling.equals(s.rolling)
                && batchCount == s.batchCount
                && (batchCount == 0 || Arrays.equals(batchGradient, s.batchGradient))
                && seen == s.seen && refused == s.refused && timedFlushes == s.timedFlushes;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(params) * 31 + Long.hashCode(seen);
    }
}
