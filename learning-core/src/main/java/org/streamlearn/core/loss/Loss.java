package org.streamlearn.core.loss;

import java.util.Locale;

/**
 * A loss on a single raw score {@code s} (regression and binary tasks).
 *
 * <p>{@link #derivative} is the true partial derivative {@code ∂L/∂s}, with every constant factor kept
 * (the squared loss's 2 included). The gradient descent step subtracts it.
 */
public interface Loss {

    /**
     * Logical name, as in a spec: the class's simple name without its {@code Loss} suffix, in lower case
     * ({@code "squared"}, {@code "huber"}, {@code "log"}).
     */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.substring(0, simple.length() - "Loss".length()).toLowerCase(Locale.ROOT);
    }

    /** {@code L(y, s)}. */
    double value(double y, double raw);

    /** {@code ∂L/∂s} at {@code (y, s)}. */
    double derivative(double y, double raw);

    /** The prediction for a raw score: identity for regression (this default), {@code σ(s)} for the log loss. */
    default double link(double raw) {
        return raw;
    }
}
