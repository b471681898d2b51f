package org.streamlearn.bench;

/**
 * The baseline for per-sample Adam on the squared loss: a hand-written loop over plain {@code double[]}.
 *
 * <p>Per event: {@code ŷ = Σ_j w_j·x_j + b}, {@code g = 2(ŷ − y)}, then with {@code g_j = g·x_j} and the
 * bias-corrected step size {@code α_k = lr·√(1 − β2^(k+1))/(1 − β1^(k+1))} ({@code k} steps taken before),
 * {@code m_j = β1·m_j + (1 − β1)·g_j; v_j = β2·v_j + (1 − β2)·g_j²; w_j −= α_k·m_j/(√v_j + ε)} (Kingma and Ba
 * 2015, section 2's efficient form), and {@code b −= lrIntercept·g} outside Adam (River's layout). The same
 * arithmetic, including {@code Math.pow} for the bias corrections, as {@code OnlineLearner.learn} with
 * {@code Adam}, {@code standardize(false)}, {@code batchSize(1)} and {@code interceptLearningRate} set.
 */
public final class RawAdam {

    private final RawMetrics metrics = new RawMetrics();

    private final double[] w;
    private final double[] m;
    private final double[] v;
    private double b;
    private long k;
    private final double lr;
    private final double lrIntercept;
    private final double beta1;
    private final double beta2;
    private final double epsilon;

    /** Zero weights, intercept and moments. */
    public RawAdam(int d, double lr, double lrIntercept, double beta1, double beta2, double epsilon) {
        this.w = new double[d];
        this.m = new double[d];
        this.v = new double[d];
        this.lr = lr;
        this.lrIntercept = lrIntercept;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** Predicts then learns one event; returns the prediction made before learning. */
    public double learn(double[] x, double y) {
        double[] w = this.w;
        double[] m = this.m;
        double[] v = this.v;
        int d = w.length;
        double s = 0.0;
        for (int j = 0; j < d; j++) {
            s += w[j] * x[j];
        }
        double p = s + b;
        metrics.add(p, y);
        double g = 2.0 * (p - y);
        double step = lr * Math.sqrt(1.0 - Math.pow(beta2, k + 1.0)) / (1.0 - Math.pow(beta1, k + 1.0));
        double c1 = 1.0 - beta1;
        double c2 = 1.0 - beta2;
        for (int j = 0; j < d; j++) {
            double gj = g * x[j];
            double nm = beta1 * m[j] + c1 * gj;
            double nv = beta2 * v[j] + c2 * (gj * gj);
            m[j] = nm;
            v[j] = nv;
            w[j] -= step * nm / (Math.sqrt(nv) + epsilon);
        }
        b -= lrIntercept * g;
        k++;
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

    /** First moments, live. */
    public double[] firstMoment() {
        return m;
    }

    /** Second moments, live. */
    public double[] secondMoment() {
        return v;
    }
}
