package org.streamlearn.core.optim;

import org.streamlearn.core.Checks;

/**
 * RMSprop (Tieleman and Hinton 2012): {@code E = ρ·E + (1 − ρ)·g²; w −= lr_k·g/√(E + ε)}.
 * Slot {@code meanSquares}.
 *
 * @param rho     decay {@code ρ} in [0, 1)
 * @param epsilon {@code ε > 0}
 */
public record RmsProp(double rho, double epsilon) implements Optimizer {

    /** Validates the parameters. */
    public RmsProp {
        Checks.closedOpenUnit("optimizer.rho", rho);
        Checks.positive("optimizer.epsilon", epsilon);
    }

    @Override
    public void apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        double[] e = slots[0];
        double oneMinusRho = 1.0 - rho;
        for (int i = from; i < to; i++) {
            double gi = g[i];
            double ne = rho * e[i] + oneMinusRho * (gi * gi);
            e[i] = ne;
            w[i] -= lr * gi / Math.sqrt(ne + epsilon);
        }
    }

    /** {@code E_i >= (1 − ρ)·g_i²} after the update, so a step moves at most {@code lr/√(1 − ρ)}. */
    @Override
    public double stepBound(double gradientNorm, double lr, long k, double[] slotBounds, double[] nextSlotBounds) {
        nextSlotBounds[0] = rho * slotBounds[0] + (1.0 - rho) * gradientNorm * gradientNorm;
        return lr / Math.sqrt(1.0 - rho);
    }
}
