package org.streamlearn.core.optim;

/**
 * An optimizer's configuration: an immutable record. Its learned state lives in an {@link OptimizerState}.
 *
 * <p>{@link #apply} takes one step on coordinates {@code [from, to)} of {@code w} with gradient {@code g} and
 * rate {@code lr} ({@code lr_k} of the schedule), updating {@code w} and the slots in place, in loops the JIT
 * can vectorize. {@link #stepBound} bounds what one step can do, which lets the divergence guard skip its
 * backup and check while the parameters are far from overflow.
 */
public sealed interface Optimizer
        permits Sgd, Momentum, Nesterov, AdaGrad, RmsProp, Adam, Ftrl {

    /** Logical name as in a spec ({@code "adam"}), from the one table of names and slots. */
    default String name() {
        return OptimizerTable.of(this).logicalName();
    }

    /** The names of the slots this optimizer keeps, in state order (a copy), from the same table. */
    default String[] slotNames() {
        return OptimizerTable.of(this).slotNames();
    }

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
     */
    void apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k);

    /**
     * An upper bound on {@code |Δw_i|} for one step whose gradient has L2 norm at most {@code gradientNorm}
     * (so {@code |g_i| <= gradientNorm}), given bounds {@code slotBounds[s] >= max_i |slot_s[i]|}; writes the
     * slots' bounds after the step into {@code nextSlotBounds}. {@code +∞} when no useful bound exists.
     */
    double stepBound(double gradientNorm, double lr, long k, double[] slotBounds, double[] nextSlotBounds);

    /** A fresh state for {@code parameterCount} coordinates. */
    default OptimizerState newState(int parameterCount) {
        return new OptimizerState(slotNames().length, parameterCount);
    }
}
