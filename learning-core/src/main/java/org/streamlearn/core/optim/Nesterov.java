package org.streamlearn.core.optim;

import org.streamlearn.core.Checks;

/**
 * Nesterov accelerated gradient (Sutskever et al. 2013 form): the gradient (loss, l2 and intercept included)
 * is taken at the look-ahead point {@code w − ρ·v}; then {@code v = ρ·v + lr_k·g; w −= v} on the stored
 * {@code w}. Predictions and snapshots use the stored {@code w}. Slot {@code velocity}.
 *
 * @param momentum {@code ρ} in [0, 1)
 */
public record Nesterov(double momentum) implements Optimizer {

    /** Validates {@code momentum}. */
    public Nesterov {
        Checks.closedOpenUnit("optimizer.momentum", momentum);
    }

    @Override
    public boolean looksAhead() {
        return true;
    }

    @Override
    public void lookAhead(double[] w, double[][] slots, int from, int to, double[] out) {
        double[] v = slots[0];
        for (int i = from; i < to; i++) {
            out[i] = w[i] - momentum * v[i];
        }
    }

    @Override
    public void apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        Momentum.heavyBall(momentum, w, g, slots[0], from, to, lr);
    }

    @Override
    public double stepBound(double gradientNorm, double lr, long k, double[] slotBounds, double[] nextSlotBounds) {
        nextSlotBounds[0] = momentum * slotBounds[0] + lr * gradientNorm;
        return nextSlotBounds[0];
    }
}
