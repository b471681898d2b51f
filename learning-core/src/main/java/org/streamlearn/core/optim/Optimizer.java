package org.streamlearn.core.optim;

/**
 * An optimizer's configuration: an immutable record. Its learned state lives in an {@link OptimizerState}.
 *
 * <p>{@link #apply} takes one step on coordinates {@code [from, to)} of {@code w} with gradient {@code g} and
 * rate {@code lr} ({@code lr_k} of the schedule), updating {@code w} and the slots in place. It returns a
 * finiteness probe: {@code 0.0} when every value it wrote is finite, NaN otherwise (the sum of each written
 * value times zero), which the divergence guard uses without another pass over the arrays.
 */
public sealed interface Optimizer
        permits Sgd, Momentum, Nesterov, AdaGrad, RmsProp, Adam, Ftrl {

    /** Logical name as in a spec ({@code "adam"}). */
    String name();

    /** The names of the slots this optimizer keeps, in state order. */
    String[] slotNames();

    /** Whether the learning-rate schedule applies (false for FTRL, which has its own per-coordinate rates). */
    default boolean usesSchedule() {
        return true;
    }

    /** Whether gradients must be taken at a look-ahead point (Nesterov). */
    default boolean looksAhead() {
        return false;
    }

    /** Whether the optimizer applies its own L1 (FTRL): the model's proximal L1 step is then skipped. */
    default boolean ownsL1() {
        return false;
    }

    /**
     * Writes the look-ahead point of coordinates {@code [from, to)} into {@code out}; the identity except for
     * Nesterov ({@code w − momentum·v}).
     */
    default void lookAhead(double[] w, double[][] slots, int from, int to, double[] out) {
        System.arraycopy(w, from, out, from, to - from);
    }

    /**
     * One step on coordinates {@code [from, to)}.
     *
     * @param w     the parameters, updated in place
     * @param g     the gradient (already averaged, regularized and clipped)
     * @param slots the optimizer's slots, updated in place
     * @param lr    the scheduled rate {@code lr_k}
     * @param k     the number of steps taken before this one
     * @return {@code 0.0} if every written value is finite, else NaN
     */
    double apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k);

    /** A fresh state for {@code parameterCount} coordinates. */
    default OptimizerState newState(int parameterCount) {
        return new OptimizerState(slotNames().length, parameterCount);
    }
}
