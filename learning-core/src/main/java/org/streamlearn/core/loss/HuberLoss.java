package org.streamlearn.core.loss;

import org.streamlearn.core.Checks;

/**
 * Huber loss with threshold {@code δ}: {@code r²/2} for {@code |r| ≤ δ}, else {@code δ(|r| − δ/2)}, with
 * {@code r = s − y}; derivative {@code r} or {@code ±δ} (no factor 2, unlike {@link SquaredLoss}).
 *
 * @param delta the threshold {@code δ > 0}
 */
public record HuberLoss(double delta) implements Loss {

    /** Validates {@code delta}. */
    public HuberLoss {
        Checks.positive("huberDelta", delta);
    }

    @Override
    public double value(double y, double raw) {
        double r = raw - y;
        double a = Math.abs(r);
        return a <= delta ? r * r / 2.0 : delta * (a - delta / 2.0);
    }

    @Override
    public double derivative(double y, double raw) {
        double r = raw - y;
        if (r > delta) {
            return delta;
        }
        if (r < -delta) {
            return -delta;
        }
        return r;
    }
}
