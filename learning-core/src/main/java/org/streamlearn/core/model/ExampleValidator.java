package org.streamlearn.core.model;

/**
 * The precise check of an example against a configuration: dimension, features and label finite and within
 * {@code maxAbsValue}, the label valid for the task, the weight finite, {@code >= 0} and within
 * {@code maxAbsValue} (a weight scales the gradient like a feature or label does). It names the culprit in an
 * {@link InvalidExampleException}. On the per-event path it runs only when {@link FastPaths#checkExample}'s
 * cheap check has a doubt.
 */
final class ExampleValidator {

    private final Task task;
    private final boolean regression;
    private final boolean binary;
    private final int d;
    private final int k;
    private final double max;

    /** A validator for {@code config}. */
    ExampleValidator(LearnerConfig config) {
        this.task = config.task();
        this.regression = task == Task.REGRESSION;
        this.binary = task == Task.BINARY;
        this.d = config.features();
        this.k = config.outputs();
        this.max = config.maxAbsValue();
    }

    /** See {@link OnlineLearner#validate}. */
    void validate(double[] x, double y, double weight) {
        validateFeatures(x);
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new InvalidExampleException("weight", "must be finite and >= 0, got " + weight);
        }
        if (weight > max) {
            throw new InvalidExampleException("weight", "magnitude " + weight + " exceeds " + max);
        }
        switch (task) {
            case REGRESSION -> {
                if (!(Math.abs(y) <= max)) {
                    throw new InvalidExampleException("label", Double.isNaN(y) ? "NaN is not a number"
                            : Double.isInfinite(y) ? "infinite" : "magnitude " + y + " exceeds " + max);
                }
            }
            case BINARY -> {
                if (y != 0.0 && y != 1.0) {
                    throw new InvalidExampleException("label", "a binary label must be 0 or 1, got " + y);
                }
            }
            case MULTICLASS -> {
                if (!(y >= 0 && y < k) || y != Math.rint(y)) {
                    throw new InvalidExampleException("label", "a class index must be an integer in 0.."
                            + (k - 1) + ", got " + y);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Checks a feature vector: the dimension, every value finite and within {@code maxAbsValue}. */
    void validateFeatures(double[] x) {
        if (x == null) {
            throw new InvalidExampleException("features", "missing");
        }
        if (x.length != d) {
            throw new InvalidExampleException("features", "expected " + d + " values, got " + x.length);
        }
        for (int j = 0; j < d; j++) {
            double v = x[j];
            if (!(Math.abs(v) <= max)) {
                throw new InvalidExampleException("features[" + j + "]", Double.isNaN(v) ? "NaN is not a number"
                        : Double.isInfinite(v) ? "infinite" : "magnitude " + v + " exceeds " + max);
            }
        }
    }

    /**
     * Whether {@code y} is a valid label: the cheap test, without a message; on the per-event path, so it tests
     * flags rather than switching on the enum (which reads a switch map).
     */
    boolean labelPlausible(double y) {
        if (regression) {
            return Math.abs(y) <= max;
        }
        return binary ? y == 0.0 || y == 1.0 : y >= 0 && y < k && y == Math.rint(y);
    }
}
