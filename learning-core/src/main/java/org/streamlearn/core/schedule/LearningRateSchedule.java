package org.streamlearn.core.schedule;

import java.util.Locale;
import org.streamlearn.core.Checks;

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

    /**
     * Logical name as in a spec: the record's simple name in lower case ({@code constant}, {@code exponential},
     * {@code step}, {@code inverse}).
     */
    default String name() {
        return getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

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
    }

    /** {@code lr·decay^k}, with {@code Math.pow}. */
    record Exponential(double initialRate, double decay) implements LearningRateSchedule {
        /** Validates the parameters. */
        public Exponential {
            requireRate(initialRate);
            Checks.openClosedUnit("schedule.decay", decay);
        }

        @Override
        public double rateAt(long k) {
            return initialRate * Math.pow(decay, k);
        }
    }

    /** {@code lr·factor^floor(k/every)}. */
    record Step(double initialRate, double factor, long every) implements LearningRateSchedule {
        /** Validates the parameters. */
        public Step {
            requireRate(initialRate);
            Checks.openClosedUnit("schedule.factor", factor);
            Checks.atLeast("schedule.every", every, 1);
        }

        @Override
        public double rateAt(long k) {
            return initialRate * Math.pow(factor, (double) (k / every));
        }
    }

    /** {@code lr/(1+k)^power}. */
    record Inverse(double initialRate, double power) implements LearningRateSchedule {
        /** Validates the parameters. */
        public Inverse {
            requireRate(initialRate);
            Checks.positive("schedule.power", power);
        }

        @Override
        public double rateAt(long k) {
            return initialRate / Math.pow(1.0 + k, power);
        }
    }

    private static void requireRate(double lr) {
        Checks.positive("optimizer.learningRate", lr);
    }
}
