package org.streamlearn.core.optim;

/**
 * Heavy-ball momentum (Polyak 1964): {@code v = ρ·v + lr_k·g; w −= v}. Slot {@code velocity}.
 *
 * @param momentum {@code ρ} in [0, 1)
 */
public record Momentum(double momentum) implements Optimizer {

    private static final String[] SLOTS = {"velocity"};

    /** Validates {@code momentum}. */
    public Momentum {
        Checks.unitInterval("optimizer.momentum", momentum);
    }

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public String[] slotNames() {
        return SLOTS.clone();
    }

    @Override
    public double apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        return heavyBall(momentum, w, g, slots[0], from, to, lr);
    }

    /** {@code v = ρ·v + lr·g; w −= v} on {@code [from, to)}; returns the finiteness probe. */
    static double heavyBall(double momentum, double[] w, double[] g, double[] v, int from, int to, double lr) {
        double probe = 0.0;
        for (int i = from; i < to; i++) {
            double nv = momentum * v[i] + lr * g[i];
            double nw = w[i] - nv;
            v[i] = nv;
            w[i] = nw;
            probe += nv * 0.0 + nw * 0.0;
        }
        return probe;
    }
}
