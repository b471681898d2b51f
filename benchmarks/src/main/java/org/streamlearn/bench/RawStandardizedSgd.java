package org.streamlearn.bench;

/**
 * The baseline for per-sample SGD on online-standardized features: a hand-written loop over plain
 * {@code double[]}.
 *
 * <p>Per event, a first pass over the features computes the progressive prediction's input with the statistics
 * of earlier events, {@code z_j = (x_j − m_j)/√var_j} (0 when {@code var_j == 0}); River's
 * {@code StandardScaler} update {@code n += 1; m' = m + (v − m)/n; var += ((v − m)(v − m') − var)/n}; and the
 * learning input {@code z'_j = (x_j − m'_j)/√var'_j}. A second pass sums both dot products
 * {@code ŷ = Σ w_j·z_j + b} and {@code ŷ' = Σ w_j·z'_j + b} (two independent chains; the weights do not change
 * until the step). Then {@code g = 2(ŷ' − y)}, {@code w_j −= lr·(g·z'_j)}, {@code b −= lrIntercept·g}. The same
 * arithmetic as {@code OnlineLearner.learn} with {@code standardize(true)} (which makes five passes: transform,
 * forward, learn-and-transform, forward, step). One event count serves every feature (the input is dense); the
 * learner keeps one per feature, with the same values. The first pass is kept free of reductions so that the JIT
 * can vectorize its square roots and divisions; fused with the dot products it measured slower.
 */
public final class RawStandardizedSgd {

    private final RawMetrics metrics = new RawMetrics();

    private final double[] w;
    private double b;
    private final double[] mean;
    private final double[] variance;
    private final double[] zAfter;
    private final double[] zBefore;
    private long count;
    private final double lr;
    private final double lrIntercept;

    /** Zero weights, intercept and statistics. */
    public RawStandardizedSgd(int d, double lr, double lrIntercept) {
        this.w = new double[d];
        this.mean = new double[d];
        this.variance = new double[d];
        this.zAfter = new double[d];
        this.zBefore = new double[d];
        this.lr = lr;
        this.lrIntercept = lrIntercept;
    }

    /** Predicts (with the earlier statistics) then learns one event; returns that prediction. */
    public double learn(double[] x, double y) {
        double[] w = this.w;
        double[] mean = this.mean;
        double[] variance = this.variance;
        double[] zAfter = this.zAfter;
        int d = w.length;
        long n = count + 1;
        count = n;
        double[] zBefore = this.zBefore;
        for (int j = 0; j < d; j++) {
            double v = x[j];
            double m = mean[j];
            double var0 = variance[j];
            zBefore[j] = var0 == 0.0 ? 0.0 : (v - m) / Math.sqrt(var0);
            double m2 = m + (v - m) / n;
            double var = var0 + ((v - m) * (v - m2) - var0) / n;
            mean[j] = m2;
            variance[j] = var;
            zAfter[j] = var == 0.0 ? 0.0 : (v - m2) / Math.sqrt(var);
        }
        double sBefore = 0.0;
        double sAfter = 0.0;
        for (int j = 0; j < d; j++) {
            sBefore += w[j] * zBefore[j];
            sAfter += w[j] * zAfter[j];
        }
        double p = sBefore + b;
        metrics.add(p, y);
        double g = 2.0 * (sAfter + b - y);
        for (int j = 0; j < d; j++) {
            w[j] -= lr * (g * zAfter[j]);
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

    /** The running means, live. */
    public double[] mean() {
        return mean;
    }

    /** The running population variances, live. */
    public double[] variance() {
        return variance;
    }
}
