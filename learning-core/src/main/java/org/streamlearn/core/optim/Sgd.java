package org.streamlearn.core.optim;

/** Plain stochastic gradient descent: {@code w −= lr_k·g}. No slots. */
public record Sgd() implements Optimizer {

    @Override
    public void apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        for (int i = from; i < to; i++) {
            w[i] -= lr * g[i];
        }
    }

    @Override
    public double stepBound(double gradientNorm, double lr, long k, double[] slotBounds, double[] nextSlotBounds) {
        return lr * gradientNorm;
    }
}
