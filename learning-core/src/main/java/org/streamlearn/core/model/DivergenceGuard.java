package org.streamlearn.core.model;

import org.streamlearn.core.optim.Optimizer;

/**
 * The divergence guard of one learner: no step may leave a parameter or an optimizer slot non-finite.
 *
 * <p>Two ways to know. The fast one ({@link #admits}): running upper bounds on {@code max|parameter|} and on
 * {@code max|slot|} per slot, advanced by the optimizer's own bound on what one step can do
 * ({@link Optimizer#stepBound}; for intercepts stepped outside the optimizer, {@code interceptLearningRate·‖g‖});
 * while the advanced bounds stay below {@link #SAFE}, far from overflow, the step cannot produce a non-finite
 * value and needs neither a backup nor a check. JMH, {@code SgdOverheadBenchmark} (docs/benchmarks.md, "Where
 * the time went"): the scalar bound instead of backup and probe took per-sample SGD from 527 k to 709 k
 * events/s at d = 1000 (the backup and probe cost ≈ 490 ns per event there, the copy ≈ 80 ns per array).
 *
 * <p>The slow one, when the bounds cannot vouch for the step (near overflow, or an optimizer without a bound
 * such as FTRL): {@link #backup()}, apply the step, then {@link #keepOrRestore()} scans every value and, if one
 * is not finite, restores the parameters and slots bit for bit; the bounds are then recomputed exactly. A
 * refused step (non-finite gradient, or a restored step) is reported with {@link #refuse}.
 *
 * <p>Allocates nothing after construction. Not thread-safe, like its learner.
 */
final class DivergenceGuard {

    /** Largest bound on a parameter or slot the fast path accepts: far from overflow. */
    static final double SAFE = 1e300;

    private final Optimizer optimizer;
    private final LearnerState state;
    private final boolean ilr;
    private final double interceptRate;
    private final double[] backupParams;
    private final double[][] backupSlots;
    /** Upper bound on max |parameter|, NaN when unknown. */
    private double paramBound = Double.NaN;
    private final double[] slotBounds;
    private final double[] nextSlotBounds;

    /** A guard over {@code state}'s parameters and slots (live), for {@code config}'s optimizer. */
    DivergenceGuard(LearnerConfig config, LearnerState state) {
        this.optimizer = config.optimizer();
        this.state = state;
        this.ilr = config.hasInterceptLearningRate();
        this.interceptRate = config.interceptLearningRate();
        int n = state.params.length;
        int slotCount = state.optimizer.slots().length;
        this.backupParams = new double[n];
        this.backupSlots = new double[slotCount][n];
        this.slotBounds = new double[slotCount];
        this.nextSlotBounds = new double[slotCount];
    }

    /**
     * Whether a step with gradient norm {@code gn} (after clipping) at rate {@code lr} provably leaves every
     * parameter and slot finite. Commits the advanced bounds when it answers yes; changes nothing otherwise.
     */
    boolean admits(double gn, double lr, long kStep) {
        if (Double.isNaN(paramBound)) {
            recomputeBounds();
        }
        double dw = optimizer.stepBound(gn, lr, kStep, slotBounds, nextSlotBounds);
        if (ilr) {
            dw = Math.max(dw, interceptRate * gn);
        }
        double next = paramBound + dw;
        if (!(next < SAFE)) {
            return false;
        }
        for (double b : nextSlotBounds) {
            if (!(b < SAFE)) {
                return false;
            }
        }
        paramBound = next;
        System.arraycopy(nextSlotBounds, 0, slotBounds, 0, slotBounds.length);
        return true;
    }

    /** Copies the parameters and slots aside, before a step the bounds could not vouch for. */
    void backup() {
        double[] w = state.params;
        double[][] slots = state.optimizer.slots();
        System.arraycopy(w, 0, backupParams, 0, w.length);
        for (int i = 0; i < slots.length; i++) {
            System.arraycopy(slots[i], 0, backupSlots[i], 0, slots[i].length);
        }
    }

    /**
     * After a step taken since {@link #backup()}: whether every parameter and slot is finite; if not, restores
     * them bit for bit from the backup. Either way the bounds are recomputed exactly.
     *
     * @return true when the step is kept, false when it was undone
     */
    boolean keepOrRestore() {
        double[] w = state.params;
        double[][] slots = state.optimizer.slots();
        boolean finite = allFinite(w);
        for (double[] slot : slots) {
            finite &= allFinite(slot);
        }
        if (!finite) {
            System.arraycopy(backupParams, 0, w, 0, w.length);
            for (int i = 0; i < slots.length; i++) {
                System.arraycopy(backupSlots[i], 0, slots[i], 0, slots[i].length);
            }
        }
        recomputeBounds();
        return finite;
    }

    /** Counts a refused step in the state and reports it in {@code o}. */
    void refuse(Outcome o, String why) {
        state.refused++;
        o.refused = true;
        o.refusal = why;
    }

    /** The running bound on max |parameter|, NaN before the first step (for tests). */
    double paramBound() {
        return paramBound;
    }

    /** The running bound on max |value| of slot {@code i}, meaningful once {@link #paramBound()} is (for tests). */
    double slotBound(int i) {
        return slotBounds[i];
    }

    private void recomputeBounds() {
        paramBound = maxAbs(state.params);
        double[][] slots = state.optimizer.slots();
        for (int i = 0; i < slots.length; i++) {
            slotBounds[i] = maxAbs(slots[i]);
        }
    }

    private static double maxAbs(double[] v) {
        double max = 0.0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!(Math.abs(x) <= Double.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }
}
