package org.streamlearn.bench;

/**
 * The baseline for per-sample SGD on the squared loss: a hand-written loop over plain {@code double[]}.
 *
 * <p>Per event: the progressive prediction {@code ŷ = Σ_j w_j·x_j + b} (summed in index order, intercept last),
 * {@code g = ∂L/∂ŷ = 2(ŷ − y)}, then {@code w_j −= lr·(g·x_j)} and {@code b −= lrIntercept·g} (River's layout:
 * the intercept has its own plain-SGD rate). The same arithmetic, in the same order, as
 * {@code OnlineLearner.learn} with {@code Sgd}, {@code standardize(false)}, {@code batchSize(1)} and
 * {@code interceptLearningRate} set; with the same progressive metrics (RawMetrics), without validation and the divergence guard.
 */
public final class RawSgd {

    private final RawMetrics metrics = new RawMetrics();

    private final double[] w;
    private double b;
    private final double lr;
    private final double lrIntercept;

    /** Zero weights and intercept. */
    public RawSgd(int d, double lr, double lrIntercept) {
        this.w = new double[d];
        this.lr = lr;
        this.lrIntercept = lrIntercept;
    }

    /** Predicts then learns one event; returns the prediction made before learning. */
    public double learn(double[] x, double y) {
        double[] w = this.w;
        int d = w.length;
        double s = 0.0;
        for (int j = 0; j < d; j++) {
            s += w[j] * x[j];
        }
        double p = s + b;
        metrics.add(p, y);
        double g = 2.0 * (p - y);
        for (int j = 0; j < d; j++) {
            w[j] -= lr * (g * x[j]);
        }
        b -= lrIntercept * g;
        return p;
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
