package org.streamlearn.core.loss;

/**
 * A loss on a single raw score {@code s} (regression and binary tasks).
 *
 * <p>{@link #derivative} is the true partial derivative {@code ∂L/∂s}, with every constant factor kept
 * (the squared loss's 2 included). The gradient descent step subtracts it.
 */
public interface Loss {

    /** Logical name, as in a spec ({@code "squared"}, {@code "huber"}, {@code "log"}). */
    String name();

    /** {@code L(y, s)}. */
    double value(double y, double raw);

    /** {@code ∂L/∂s} at {@code (y, s)}. */
    double derivative(double y, double raw);

    /** The prediction for a raw score: identity for regression, {@code σ(s)} for the log loss. */
    double link(double raw);
}
