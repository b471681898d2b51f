package org.streamlearn.core.loss;

/**
 * Binary log loss on the raw score {@code s} with {@code p = σ(s)}: {@code log(1 + e^(−s))} when
 * {@code y = 1}, {@code log(1 + e^s)} when {@code y = 0}; derivative {@code p − y}; link {@code σ(s)}.
 *
 * <p>Computed in a numerically stable form (softplus), with no clipping of the score.
 */
public final class LogLoss implements Loss {

    /** The shared instance. */
    public static final LogLoss INSTANCE = new LogLoss();

    private LogLoss() {
    }

    @Override
    public double value(double y, double raw) {
        // y·softplus(−s) + (1 − y)·softplus(s), exact for y in {0, 1}
        if (y == 1.0) {
            return softplus(-raw);
        }
        if (y == 0.0) {
            return softplus(raw);
        }
        return y * softplus(-raw) + (1.0 - y) * softplus(raw);
    }

    @Override
    public double derivative(double y, double raw) {
        return sigmoid(raw) - y;
    }

    @Override
    public double link(double raw) {
        return sigmoid(raw);
    }

    /** {@code σ(s) = 1 / (1 + e^(−s))}. */
    public static double sigmoid(double s) {
        return 1.0 / (1.0 + Math.exp(-s));
    }

    /** {@code log(1 + e^t)}, stable for large {@code |t|}. */
    public static double softplus(double t) {
        return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }
}
