package org.streamlearn.bench;

/**
 * The progressive-validation bookkeeping every raw loop does after its prediction, as the learner does:
 * squared and absolute error sums (MSE, MAE), and the rolling loss (EWMA and a 1000-value window). This is
 * part of the algorithm being measured (predict, score, learn), not framework overhead.
 */
final class RawMetrics {

    private final double[] window = new double[1000];
    private int position;
    private long count;
    private double sumSquared;
    private double sumAbsolute;
    private double ewma;

    /** Records the prediction {@code p} of label {@code y}. */
    void add(double p, double y) {
        double r = p - y;
        double loss = r * r;
        count++;
        sumSquared += loss;
        sumAbsolute += Math.abs(r);
        ewma = count == 1 ? loss : 0.01 * loss + 0.99 * ewma;
        window[position] = loss;
        position = position + 1 == window.length ? 0 : position + 1;
    }

    /** Mean squared error so far. */
    double mse() {
        return sumSquared / count;
    }

    /** Mean absolute error so far. */
    double mae() {
        return sumAbsolute / count;
    }

    /** The EWMA of the loss. */
    double ewma() {
        return ewma;
    }
}
