package org.streamlearn.bench;

/**
 * The baseline for mini-batch SGD on the squared loss: a hand-written loop over plain {@code double[]}.
 *
 * <p>Per event: the progressive prediction {@code ŷ = Σ_j w_j·x_j + b} with the weights of the last step,
 * {@code g = 2(ŷ − y)}, added to the open batch's gradient sum ({@code G_j += g·x_j}, {@code G_b += g}); every
 * {@code batchSize} events one step with the mean, {@code w_j −= lr·(G_j/B)}, {@code b −= lrIntercept·(G_b/B)}.
 * The same arithmetic as {@code OnlineLearner.learn} with {@code Sgd} and {@code batchSize(B)}.
 */
public final class RawMiniBatchSgd {

    private final RawMetrics metrics = new RawMetrics();

    private final double[] w;
    private double b;
    private final double[] gradSum;
    private double gradSumIntercept;
    private int pending;
    private final int batchSize;
    private final double lr;
    private final double lrIntercept;

    /** Zero weights and intercept, an empty batch. */
    public RawMiniBatchSgd(int d, int batchSize, double lr, double lrIntercept) {
        this.w = new double[d];
        this.gradSum = new double[d];
        this.batchSize = batchSize;
        this.lr = lr;
        this.lrIntercept = lrIntercept;
    }

    /** Predicts then adds one event to the batch, stepping when it is full; returns the prediction. */
    public double learn(double[] x, double y) {
        double[] w = this.w;
        double[] gs = this.gradSum;
        int d = w.length;
        double s = 0.0;
        for (int j = 0; j < d; j++) {
            s += w[j] * x[j];
        }
        double p = s + b;
        metrics.add(p, y);
        double g = 2.0 * (p - y);
        if (pending == 0) {
            for (int j = 0; j < d; j++) {
                gs[j] = g * x[j];
            }
            gradSumIntercept = g;
        } else {
            for (int j = 0; j < d; j++) {
                gs[j] += g * x[j];
            }
            gradSumIntercept += g;
        }
        if (++pending == batchSize) {
            int size = pending;
            pending = 0;
            for (int j = 0; j < d; j++) {
                w[j] -= lr * (gs[j] / size);
            }
            b -= lrIntercept * (gradSumIntercept / size);
        }
        return p;
    }

    /** {@link #learn} on events {@code from..to} of {@code xs}/{@code ys}, the predictions into {@code p}. */
    public void learnAll(double[][] xs, double[] ys, int from, int to, double[] p) {
        for (int i = from; i < to; i++) {
            p[i] = learn(xs[i], ys[i]);
        }
    }

    /** The weights, live. */
    public double[] weights() {
        return w;
    }

    /** The intercept. */
    public double intercept() {
        return b;
    }
}
