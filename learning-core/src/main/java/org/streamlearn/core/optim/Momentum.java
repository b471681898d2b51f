package org.streamlearn.core.optim;

import org.streamlearn.core.Checks;

/**
 * Heavy-ball momentum (Polyak 1964): {@code v = ρ·v + lr_k·g; w −= v}. Slot {@code velocity}.
 *
 * @param momentum {@code ρ} in [0, 1)
 */
public record Momentum(double momentum) implements Optimizer {

    /** Validates {@code momentum}. */
    public Momentum {
        Checks.closedOpenUnit("optimizer.momentum", momentum);
    }

    @Override
    public void apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        heavyBall(momentum, w, g, slots[0], from, to, lr);
    }

    @Override
    public double stepBound(double gradientNorm, double lr, long k, double[] slotBounds, double[] nextSlotBounds) {
        nextSlotBounds[0] = momentum * slotBounds[0] + lr * gradientNorm;
        return nextSlotBounds[0];
    }

    /** {@code v = ρ·v + lr·g; w −= v} on {@code [from, to)}. */
    static void heavyBall(double momentum, double[] w, double[] g, double[] v, int from, int to, double lr) {
        for (int i = from; i < to; i++) {
            double nv = momentum * v[i] + lr * g[i];
            v[i] = nv;
            w[i] -= nv;
        }
    }
}
