package org.streamlearn.core.schedule;

/**
 * The learning rate {@code lr_k} for step {@code k} (steps taken before this one), a pure function.
 *
 * <p>{@code lr_k} replaces {@code lr} in every optimizer formula (inside momentum's velocity, in Adam's step
 * size). Implementations: {@link Constant}, {@link Exponential}, {@link Step}, {@link Inverse}.
 */
public sealed interface LearningRateSchedule
        permits LearningRateSchedule.Constant, LearningRateSchedule.Exponential,
        LearningRateSchedule.Step, LearningRateSchedule.Inverse {

    /** The rate at step {@code k >= 0}. */
    double rateAt(long k);

    /** The rate at step 0. */
    double initialRate();

    /** Logical name as in a spec. */
    String name();

    /** {@code lr}. */
    record Constant(double initialRate) implements LearningRateSchedule {
        /** Validates the rate. */
        public Constant {
            requireRate(initialRate);
        }

        @Override
        public double rateAt(long k) {
            return initialRate;
        }

        @Override
        public String name() {
            return "constant";
        }
    }

    /** {@code lr·decay^k}, with {@code Math.pow}. */
    record Exponential(double initialRate, double decay) implements LearningRateSchedule {
        /** Validates the parameters. */
        public Exponential {
            requireRate(initialRate);
            if (!(decay > 0 && decay <= 1)) {
                throw new IllegalArgumentException("schedule.decay: must be in (0, 1], got " + decay);
            }
        }

        @Override
        public double rateAt(long k) {
            return initialRate * Math.pow(decay, k);
        }

        @Override
        public String name() {
            return "exponential";
        }
    }

    /** {@code lr·factor^floor(k/every)}. */
    record Step(double initialRate, double factor, long every) implements LearningRateSchedule {
        /** Validates the parameters. */
        public Step {
            requireRate(initialRate);
            if (!(factor > 0 && factor <= 1)) {
                throw new IllegalArgumentException("schedule.factor: must be in (0, 1], got " + factor);
            }
            if (every < 1) {
                throw new IllegalArgumentException("schedule.every: must be >= 1, got " + every);
            }
        }

        @Override
        public double rateAt(long k) {
            return initialRate * Math.pow(factor, (double) (k / every));
        }

        @Override
        public String name() {
            return "step";
        }
    }

    /** {@code lr/(1+k)^power}. */
    record Inverse(double initialRate, double power) implements LearningRateSchedule {
        /** Validates the parameters. */
        public Inverse {
            requireRate(initialRate);
            if (!(power > 0) || !Double.isFinite(power)) {
                throw new IllegalArgumentException("schedule.power: must be > 0, got " + power);
            }
        }

        @Override
        public double rateAt(long k) {
            return initialRate / Math.pow(1.0 + k, power);
        }

        @Override
        public String name() {
            return "inverse";
        }
    }

    private static void requireRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("optimizer.learningRate: must be > 0 and finite, got " + lr);
        }
    }
}
