package org.streamlearn.core.feature;

import java.util.Arrays;

/**
 * Online standardization, per feature: a count, a running mean and the population variance (divide by n),
 * updated as {@code n += 1; m' = m + (v − m)/n; var += ((v − m)(v − m') − var)/n}, and
 * {@code z = (v − m)/√var}, exactly 0 when {@code var == 0} (no epsilon). This is River's
 * {@code preprocessing.StandardScaler}.
 *
 * <p>Arrays are live state; methods write into caller-owned outputs and allocate nothing.
 */
public final class Standardizer {

    private final long[] count;
    private final double[] mean;
    private final double[] variance;

    /** A fresh standardizer for {@code d} features. */
    public Standardizer(int d) {
        this(new long[d], new double[d], new double[d]);
    }

    /** A standardizer from saved statistics (arrays taken as they are). */
    public Standardizer(long[] count, double[] mean, double[] variance) {
        if (count.length != mean.length || mean.length != variance.length) {
            throw new IllegalArgumentException("scaler: count, mean and variance must have the same length, got "
                    + count.length + ", " + mean.length + ", " + variance.length);
        }
        this.count = count;
        this.mean = mean;
        this.variance = variance;
    }

    /** Number of features. */
    public int dimension() {
        return mean.length;
    }

    /**
     * Standardizes {@code x} with the current statistics into {@code out}; no side effects.
     *
     * @return {@code Σ x_j²} of the raw input (for the learner's input check, on the same pass)
     */
    public double transform(double[] x, double[] out) {
        double sq = 0.0;
        for (int j = 0; j < x.length; j++) {
            double v = x[j];
            double var = variance[j];
            out[j] = var == 0.0 ? 0.0 : (v - mean[j]) / Math.sqrt(var);
            sq += v * v;
        }
        return sq;
    }

    /**
     * Adds {@code x} to the statistics, then standardizes it with them into {@code out}.
     *
     * @return {@code Σ out²}, the squared norm of the standardized vector
     */
    public double learnAndTransform(double[] x, double[] out) {
        double sq = 0.0;
        for (int j = 0; j < x.length; j++) {
            double v = x[j];
            long n = count[j] + 1;
            count[j] = n;
            double m = mean[j];
            double m2 = m + (v - m) / n;
            mean[j] = m2;
            double var = variance[j] + ((v - m) * (v - m2) - variance[j]) / n;
            variance[j] = var;
            double z = var == 0.0 ? 0.0 : (v - m2) / Math.sqrt(var);
            out[j] = z;
            sq += z * z;
        }
        return sq;
    }

    /** Live per-feature counts. */
    public long[] count() {
        return count;
    }

    /** Live per-feature means. */
    public double[] mean() {
        return mean;
    }

    /** Live per-feature population variances. */
    public double[] variance() {
        return variance;
    }

    /** A deep copy. */
    public Standardizer copy() {
        return new Standardizer(count.clone(), mean.clone(), variance.clone());
    }

    /** Back to no observations. */
    public void clear() {
        Arrays.fill(count, 0);
        Arrays.fill(mean, 0.0);
        Arrays.fill(variance, 0.0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardizer s && Arrays.equals(count, s.count) && Arrays.equals(mean, s.mean)
                && Arrays.equals(variance, s.variance);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(variance);
    }
}
