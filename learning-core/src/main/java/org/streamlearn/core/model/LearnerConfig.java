package org.streamlearn.core.model;

import org.streamlearn.core.Checks;
import org.streamlearn.core.loss.HuberLoss;
import org.streamlearn.core.loss.LogLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.loss.SquaredLoss;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.schedule.LearningRateSchedule;

/**
 * Everything that configures an online learner, immutable and validated; the learned state is separate
 * ({@link LearnerState}), so one configuration makes any number of fresh models.
 *
 * @param task                  regression, binary or multiclass
 * @param features              input dimension {@code d}
 * @param classes               number of classes (multiclass), else 1
 * @param architecture          model shape
 * @param loss                  scalar loss (regression: squared or Huber; binary: log); null for multiclass,
 *                              which always uses cross-entropy
 * @param optimizer             the optimizer's configuration
 * @param schedule              the learning rate and its schedule (ignored by FTRL)
 * @param interceptLearningRate NaN: intercepts are coordinates of the optimizer; else a constant plain-SGD rate
 *                              for them, outside the optimizer (River's convention)
 * @param l2                    L2 strength on weights ({@code l2·w} added to the gradient), never intercepts
 * @param l1                    proximal L1 step on weights after each step (not with FTRL)
 * @param clipNorm              NaN: no clipping; else the whole gradient is scaled to this norm when larger
 * @param standardize           online standardization of the features
 * @param batchSize             1: a step per event; else one mean-gradient step per {@code batchSize} events;
 *                              {@link #FULL_BATCH}: a step only on {@code flush()} (batch gradient descent)
 * @param metricsWindow         size of the rolling loss window
 * @param ewmaAlpha             weight of the rolling loss EWMA
 * @param maxAbsValue           largest accepted magnitude of a feature, label or weight; larger ones are rejected
 */
public record LearnerConfig(Task task, int features, int classes, Architecture architecture, Loss loss,
        Optimizer optimizer, LearningRateSchedule schedule, double interceptLearningRate, double l2, double l1,
        double clipNorm, boolean standardize, int batchSize, int metricsWindow, double ewmaAlpha,
        double maxAbsValue) {

    /**
     * The {@code batchSize} of full-batch gradient descent: the batch never fills, one mean-gradient step is
     * taken when the caller flushes it (at the end of each pass over the data).
     */
    public static final int FULL_BATCH = Integer.MAX_VALUE;


    /** Default bound on feature and label magnitudes: {@value}. */
    public static final double DEFAULT_MAX_ABS_VALUE = 1e18;

    /** Validates every field; messages name the spec field. */
    public LearnerConfig {
        if (task == null) {
            throw new IllegalArgumentException("task: required");
        }
        Checks.atLeast("features", features, 1);
        if (task == Task.MULTICLASS) {
            if (classes < 2) {
                throw new IllegalArgumentException("classes: must be >= 2 for a multiclass task, got " + classes);
            }
            if (loss != null) {
                throw new IllegalArgumentException("loss: a multiclass task uses cross_entropy, got " + loss.name());
            }
        } else {
            if (classes != 1) {
                throw new IllegalArgumentException("classes: only for multiclass tasks");
            }
            if (loss == null) {
                throw new IllegalArgumentException("loss: required for task " + task.logicalName());
            }
            if (task == Task.BINARY && !(loss instanceof LogLoss)) {
                throw new IllegalArgumentException("loss: a binary task uses log, got " + loss.name());
            }
            if (task == Task.REGRESSION && !(loss instanceof SquaredLoss || loss instanceof HuberLoss)) {
                throw new IllegalArgumentException("loss: a regression task uses squared or huber, got "
                        + loss.name());
            }
        }
        if (architecture == null || optimizer == null || schedule == null) {
            throw new IllegalArgumentException("architecture, optimizer and schedule are required");
        }
        if (!Double.isNaN(interceptLearningRate)) {
            Checks.positive("interceptLearningRate", interceptLearningRate);
        }
        Checks.nonNegative("l2", l2);
        Checks.nonNegative("l1", l1);
        if (!Double.isNaN(clipNorm)) {
            Checks.aboveZero("clipNorm", clipNorm);
        }
        Checks.atLeast("update.batchSize", batchSize, 1);
        Checks.atLeast("metrics.window", metricsWindow, 1);
        Checks.openClosedUnit("metrics.ewmaAlpha", ewmaAlpha);
        Checks.aboveZero("maxAbsValue", maxAbsValue);
    }

    /** Number of raw scores: {@code classes} for multiclass, else 1. */
    public int outputs() {
        return task == Task.MULTICLASS ? classes : 1;
    }

    /** Whether the intercepts are stepped outside the optimizer. */
    public boolean hasInterceptLearningRate() {
        return !Double.isNaN(interceptLearningRate);
    }

    /** Whether the gradient is clipped. */
    public boolean hasClipNorm() {
        return !Double.isNaN(clipNorm);
    }

    /** A builder with River-like defaults: SGD 0.01, constant schedule, standardize, per-sample. */
    public static Builder builder(Task task, int features) {
        return new Builder(task, features);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(task, features);
        b.classes = classes;
        b.architecture = architecture;
        b.loss = loss;
        b.optimizer = optimizer;
        b.schedule = schedule;
        b.interceptLearningRate = interceptLearningRate;
        b.l2 = l2;
        b.l1 = l1;
        b.clipNorm = clipNorm;
        b.standardize = standardize;
        b.batchSize = batchSize;
        b.metricsWindow = metricsWindow;
        b.ewmaAlpha = ewmaAlpha;
        b.maxAbsValue = maxAbsValue;
        return b;
    }

    /** Mutable builder for {@link LearnerConfig}. */
    public static final class Builder {
        private final Task task;
        private final int features;
        private int classes = 1;
        private Architecture architecture = new Architecture.Linear();
        private Loss loss;
        private Optimizer optimizer = new Sgd();
        private LearningRateSchedule schedule = new LearningRateSchedule.Constant(0.01);
        private double interceptLearningRate = Double.NaN;
        private double l2;
        private double l1;
        private double clipNorm = Double.NaN;
        private boolean standardize = true;
        private int batchSize = 1;
        private int metricsWindow = 1000;
        private double ewmaAlpha = 0.01;
        private double maxAbsValue = DEFAULT_MAX_ABS_VALUE;

        private Builder(Task task, int features) {
            this.task = task;
            this.features = features;
            this.loss = task == Task.REGRESSION ? SquaredLoss.INSTANCE
                    : task == Task.BINARY ? LogLoss.INSTANCE : null;
        }

        /** Number of classes (multiclass). */
        public Builder classes(int c) {
            this.classes = c;
            return this;
        }

        /** Model shape. */
        public Builder architecture(Architecture a) {
            this.architecture = a;
            return this;
        }

        /** Scalar loss. */
        public Builder loss(Loss l) {
            this.loss = l;
            return this;
        }

        /** Optimizer configuration. */
        public Builder optimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        /** Learning rate schedule (carries the initial rate). */
        public Builder schedule(LearningRateSchedule s) {
            this.schedule = s;
            return this;
        }

        /** Constant learning rate {@code lr}. */
        public Builder learningRate(double lr) {
            this.schedule = new LearningRateSchedule.Constant(lr);
            return this;
        }

        /** Intercepts stepped by plain SGD at this rate (NaN: inside the optimizer). */
        public Builder interceptLearningRate(double r) {
            this.interceptLearningRate = r;
            return this;
        }

        /** L2 strength. */
        public Builder l2(double v) {
            this.l2 = v;
            return this;
        }

        /** L1 strength. */
        public Builder l1(double v) {
            this.l1 = v;
            return this;
        }

        /** Clip norm (NaN: none). */
        public Builder clipNorm(double v) {
            this.clipNorm = v;
            return this;
        }

        /** Online standardization on or off. */
        public Builder standardize(boolean s) {
            this.standardize = s;
            return this;
        }

        /** Mini-batch size (1: per sample). */
        public Builder batchSize(int b) {
            this.batchSize = b;
            return this;
        }

        /** Rolling loss window. */
        public Builder metricsWindow(int w) {
            this.metricsWindow = w;
            return this;
        }

        /** Rolling loss EWMA weight. */
        public Builder ewmaAlpha(double a) {
            this.ewmaAlpha = a;
            return this;
        }

        /** Largest accepted magnitude of a feature or label. */
        public Builder maxAbsValue(double v) {
            this.maxAbsValue = v;
            return this;
        }

        /** Validates and builds. */
        public LearnerConfig build() {
            return new LearnerConfig(task, features, task == Task.MULTICLASS ? classes : 1, architecture,
                    task == Task.MULTICLASS ? null : loss, optimizer, schedule, interceptLearningRate, l2, l1,
                    clipNorm, standardize, batchSize, metricsWindow, ewmaAlpha, maxAbsValue);
        }
    }
}
