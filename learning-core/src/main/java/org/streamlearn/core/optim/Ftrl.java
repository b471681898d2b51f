package org.streamlearn.core.optim;

import org.streamlearn.core.Checks;

/**
 * FTRL-Proximal (McMahan et al. 2013, "Ad Click Prediction: a View from the Trenches", Algorithm 1), per
 * coordinate with the current {@code w}: {@code σ = (√(n + g²) − √n)/α; z += g − σ·w; n += g²}, then
 * {@code w = 0} if {@code |z| ≤ l1}, else {@code w = −(z − sign(z)·l1)/((β + √n)/α + l2)}.
 * Slots {@code z} and {@code n}. The weights always equal this closed form of (z, n). No learning rate and no
 * schedule. Not River's variant (whose weights lag one step).
 *
 * @param alpha per-coordinate rate scale {@code α > 0}
 * @param beta  {@code β >= 0}
 * @param l1    L1 strength {@code >= 0}
 * @param l2    L2 strength {@code >= 0}
 */
public record Ftrl(double alpha, double beta, double l1, double l2) implements Optimizer {

    /** Validates the parameters. */
    public Ftrl {
        Checks.positive("optimizer.alpha", alpha);
        Checks.nonNegative("optimizer.beta", beta);
        Checks.nonNegative("optimizer.l1", l1);
        Checks.nonNegative("optimizer.l2", l2);
    }

    @Override
    public boolean usesSchedule() {
        return false;
    }

    @Override
    public boolean ownsL1() {
        return true;
    }

    @Override
    public void apply(double[] w, double[] g, double[][] slots, int from, int to, double lr, long k) {
        double[] z = slots[0];
        double[] n = slots[1];
        for (int i = from; i < to; i++) {
            double gi = g[i];
            double ni = n[i];
            double nn = ni + gi * gi;
            double sqrtNn = Math.sqrt(nn);
            double sigma = (sqrtNn - Math.sqrt(ni)) / alpha;
            double nz = z[i] + (gi - sigma * w[i]);
            double nw;
            if (Math.abs(nz) <= l1) {
                nw = 0.0;
            } else {
                nw = -(nz - Math.signum(nz) * l1) / ((beta + sqrtNn) / alpha + l2);
            }
            z[i] = nz;
            n[i] = nn;
            w[i] = nw;
        }
    }

    /** No cheap bound: FTRL's weights are a closed form of (z, n); its steps always take the guarded path. */
    @Override
    public double stepBound(double gradientNorm, double lr, long k, double[] slotBounds, double[] nextSlotBounds) {
        return Double.POSITIVE_INFINITY;
    }
}
