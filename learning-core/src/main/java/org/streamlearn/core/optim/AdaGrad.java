package org.streamlearn.core.optim;

import org.streamlearn.core.Checks;

/**
 * AdaGrad (Duchi, Hazan and Singer 2011): {@code G += g²; w −= lr_k·g/√(G + ε)} (ε inside the root).
 * Slot {@code sumSquares}.
 *
 * @param epsilon {@code ε > 0}
 */
public record AdaGrad(double epsilon) implements Optimizer {

    /** Validates {@code epsilon}. */
    public AdaGrad {
        Checks.positive("optimizer.epsilon", epsilon);
    }

    @Override
    public void apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        double[] s = slots[0];
        for (int i = from; i < to; i++) {
            double gi = g[i];
            double ns = s[i] + gi * gi;
            s[i] = ns;
            w[i] -= lr * gi / Math.sqrt(ns + epsilon);
        }
    }

    /** {@code |g_i|/√(G_i + ε) <= 1} since {@code G_i} already includes {@code g_i²}: a step moves at most lr. */
    @Override
    public double stepBound(double gradientNorm, double lr, long k, double[] slotBounds, double[] nextSlotBounds) {
        nextSlotBounds[0] = slotBounds[0] + gradientNorm * gradientNorm;
        return lr;
    }
}
