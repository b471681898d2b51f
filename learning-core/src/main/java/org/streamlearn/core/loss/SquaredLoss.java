package org.streamlearn.core.loss;

/**
 * Squared loss {@code L = (s − y)²}, derivative {@code ∂L/∂s = 2(s − y)}, identity link.
 *
 * <p>With a linear model this gives the textbook step {@code θ ← θ − α·∇J(θ)}, {@code ∇J = −2·x·(y − ŷ)}.
 * Note the factor 2 (unlike scikit-learn's and River's half-squared convention for the gradient).
 */
public final class SquaredLoss implements Loss {

    /** The shared instance. */
    public static final SquaredLoss INSTANCE = new SquaredLoss();

    private SquaredLoss() {
    }

    @Override
    public double value(double y, double raw) {
        double r = raw - y;
        return r * r;
    }

    @Override
    public double derivative(double y, double raw) {
        return 2.0 * (raw - y);
    }
}
