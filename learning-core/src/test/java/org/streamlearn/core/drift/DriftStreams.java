package org.streamlearn.core.drift;

import java.util.SplittableRandom;

/** Seeded signal streams for the drift tests. */
final class DriftStreams {

    private DriftStreams() {
    }

    /** {@code n} draws of Bernoulli({@code p}) as 0/1. */
    static double[] bernoulli(long seed, int n, double p) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() < p ? 1.0 : 0.0;
        }
        return x;
    }

    /** Bernoulli({@code p0}) for the first {@code change} values, then Bernoulli({@code p1}). */
    static double[] bernoulliStep(long seed, int n, int change, double p0, double p1) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() < (i < change ? p0 : p1) ? 1.0 : 0.0;
        }
        return x;
    }

    /** N({@code m0}, sd²) for the first {@code change} values, then N({@code m1}, sd²). */
    static double[] gaussianStep(long seed, int n, int change, double m0, double m1, double sd) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i < change ? m0 : m1) + sd * r.nextGaussian();
        }
        return x;
    }

    /**
     * A stream with regime changes every 200 to 1500 values: alternately Bernoulli(p) errors and Gaussian losses
     * (mean in [0, 3], sd in [0.1, 1]), so that every detector detects several drifts in it.
     */
    static double[] regimes(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        int i = 0;
        boolean bernoulli = true;
        while (i < n) {
            int len = r.nextInt(200, 1500);
            double a = bernoulli ? r.nextDouble(0.05, 0.95) : r.nextDouble(0.0, 3.0);
            double sd = r.nextDouble(0.1, 1.0);
            for (int k = 0; k < len && i < n; k++, i++) {
                x[i] = bernoulli ? (r.nextDouble() < a ? 1.0 : 0.0) : a + sd * r.nextGaussian();
            }
            bernoulli = !bernoulli;
        }
        return x;
    }

    /** Runs a detector over {@code x}; returns the indices at which it detected a drift. */
    static java.util.List<Integer> detections(DriftDetector d, double[] x, int from, int to) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) {
            if (d.update(x[i])) {
                out.add(i);
            }
        }
        return out;
    }
}
