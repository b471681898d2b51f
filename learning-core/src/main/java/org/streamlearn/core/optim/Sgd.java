package org.streamlearn.core.optim;

/** Plain stochastic gradient descent: {@code w −= lr_k·g}. No slots. */
public record Sgd() implements Optimizer {

    private static final String[] SLOTS = {};

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String[] slotNames() {
        return SLOTS.clone();
    }

    @Override
    public double apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        double probe = 0.0;
        for (int i = from; i < to; i++) {
            double nw = w[i] - lr * g[i];
            w[i] = nw;
            probe += nw * 0.0;
        }
        return probe;
    }
}
