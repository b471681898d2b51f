package org.streamlearn.core.optim;

import java.util.Arrays;

/**
 * What an optimizer learns: the number of steps taken and one slot array per named slot, each as long as the
 * parameter vector. Slots start at zero.
 */
public final class OptimizerState {

    private long step;
    private final double[][] slots;

    /** A fresh state: step 0, every slot zero. */
    public OptimizerState(int slotCount, int parameterCount) {
        this.slots = new double[slotCount][parameterCount];
    }

    /** A state from saved values (the arrays are taken as they are, not copied). */
    public OptimizerState(long step, double[][] slots) {
        if (step < 0) {
            throw new IllegalArgumentException("optimizer.step: must be >= 0, got " + step);
        }
        this.step = step;
        this.slots = slots;
    }

    /** Steps taken so far ({@code k} of the next step). */
    public long step() {
        return step;
    }

    /** Records one more step taken. */
    public void advance() {
        step++;
    }

    /** The slot arrays, in {@link Optimizer#slotNames()} order; live, not copies. */
    public double[][] slots() {
        return slots;
    }

    /** A deep copy. */
    public OptimizerState copy() {
        double[][] c = new double[slots.length][];
        for (int i = 0; i < slots.length; i++) {
            c[i] = slots[i].clone();
        }
        return new OptimizerState(step, c);
    }

    /** Sets every slot to zero and the step to 0. */
    public void clear() {
        step = 0;
        for (double[] s : slots) {
            Arrays.fill(s, 0.0);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OptimizerState other && step == other.step && Arrays.deepEquals(slots, other.slots);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(step) + Arrays.deepHashCode(slots);
    }
}
