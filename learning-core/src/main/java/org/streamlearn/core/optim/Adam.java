package org.streamlearn.core.optim;

import org.streamlearn.core.Checks;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1 with the efficient form of section 2):
 * {@code m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
 * w −= lr_k·√(1 − β2^(k+1))/(1 − β1^(k+1))·m/(√v + ε)}. Note ε is added to {@code √v}, not to
 * {@code √v̂}. Slots {@code m} and {@code v}.
 *
 * @param beta1   first-moment decay in [0, 1)
 * @param beta2   second-moment decay in [0, 1)
 * @param epsilon {@code ε > 0}
 */
public record Adam(double beta1, double beta2, double epsilon) implements Optimizer {

    /** Validates the parameters. */
    public Adam {
        Checks.closedOpenUnit("optimizer.beta1", beta1);
        Checks.closedOpenUnit("optimizer.beta2", beta2);
        Checks.positive("optimizer.epsilon", epsilon);
    }

    @Override
    public void apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        double[] m = slots[0];
        double[] v = slots[1];
        double step = stepSize(lr, k);
        double c1 = 1.0 - beta1;
        double c2 = 1.0 - beta2;
        for (int i = from; i < to; i++) {
            double gi = g[i];
            double nm = beta1 * m[i] + c1 * gi;
            double nv = beta2 * v[i] + c2 * (gi * gi);
            m[i] = nm;
            v[i] = nv;
            w[i] -= step * nm / (Math.sqrt(nv) + epsilon);
        }
    }

    private double stepSize(double lr, long k) {
        return lr * Math.sqrt(1.0 - Math.pow(beta2, k + 1.0)) / (1.0 - Math.pow(beta1, k + 1.0));
    }

    /**
     * The step size is at most {@code lr/(1 − β1)} and {@code |m_i|/(√v_i + ε) <= |m_i|/ε}: coarse, but far
     * from overflow in any sane run, and free of {@code Math.pow}.
     */
    @Override
    public double stepBound(double gradientNorm, double lr, long k, double[] slotBounds, double[] nextSlotBounds) {
        nextSlotBounds[0] = beta1 * slotBounds[0] + (1.0 - beta1) * gradientNorm;
        nextSlotBounds[1] = beta2 * slotBounds[1] + (1.0 - beta2) * gradientNorm * gradientNorm;
        return lr / (1.0 - beta1) * nextSlotBounds[0] / epsilon;
    }
}
