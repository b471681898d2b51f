package org.streamlearn.core.optim;

/**
 * AdaGrad (Duchi, Hazan and Singer 2011): {@code G += g²; w −= lr_k·g/√(G + ε)} (ε inside the root).
 * Slot {@code sumSquares}.
 *
 * @param epsilon {@code ε > 0}
 */
public record AdaGrad(double epsilon) implements Optimizer {

    private static final String[] SLOTS = {"sumSquares"};

    /** Validates {@code epsilon}. */
    public AdaGrad {
        Checks.positive("optimizer.epsilon", epsilon);
    }

    @Override
    public String name() {
        return "adagrad";
    }

    @Override
    public String[] slotNames() {
        return SLOTS.clone();
    }

    @Override
    public double apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        double[] s = slots[0];
        double probe = 0.0;
        for (int i = from; i < to; i++) {
            double gi = g[i];
            double ns = s[i] + gi * gi;
            double nw = w[i] - lr * gi / Math.sqrt(ns + epsilon);
            s[i] = ns;
            w[i] = nw;
            probe += ns * 0.0 + nw * 0.0;
        }
        return probe;
    }
}
