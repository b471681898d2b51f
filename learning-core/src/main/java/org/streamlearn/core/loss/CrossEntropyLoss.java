package org.streamlearn.core.loss;

/**
 * Multiclass cross-entropy on logits {@code s[0..K)} with the softmax link:
 * {@code L = logsumexp(s) − s_y}, {@code ∂L/∂s_k = p_k − [k = y]}, {@code p = softmax(s)}.
 *
 * <p>All methods write into caller-owned arrays and allocate nothing.
 */
public final class CrossEntropyLoss {

    /** The shared instance. */
    public static final CrossEntropyLoss INSTANCE = new CrossEntropyLoss();

    private CrossEntropyLoss() {
    }

    /** Logical name {@code "cross_entropy"}. */
    public String name() {
        return "cross_entropy";
    }

    /** {@code logsumexp(s[0..k)) − s[y]}. */
    public double value(int y, double[] raw, int k) {
        return logSumExp(raw, k) - raw[y];
    }

    /** Writes {@code p_j − [j = y]}, times {@code weight}, into {@code out[0..k)}. */
    public void derivative(int y, double[] raw, int k, double weight, double[] out) {
        link(raw, k, out);
        for (int j = 0; j < k; j++) {
            double d = out[j] - (j == y ? 1.0 : 0.0);
            out[j] = d * weight;
        }
    }

    /** Softmax of {@code raw[0..k)} into {@code out[0..k)} (may be the same array). */
    public void link(double[] raw, int k, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, raw[j]);
        }
        double sum = 0.0;
        for (int j = 0; j < k; j++) {
            double e = Math.exp(raw[j] - max);
            out[j] = e;
            sum += e;
        }
        for (int j = 0; j < k; j++) {
            out[j] /= sum;
        }
    }

    /** {@code log Σ exp(s_j)}, shifted by the maximum for stability. */
    public static double logSumExp(double[] raw, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, raw[j]);
        }
        double sum = 0.0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(raw[j] - max);
        }
        return max + Math.log(sum);
    }

    /** Index of the largest score, ties to the lowest index. */
    public static int argmax(double[] raw, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (raw[j] > raw[best]) {
                best = j;
            }
        }
        return best;
    }
}
