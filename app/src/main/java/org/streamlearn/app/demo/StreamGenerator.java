package org.streamlearn.app.demo;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A seeded synthetic labeled stream with an abrupt concept drift halfway: features ~ N(0, 1); regression
 * {@code y = w·x + b + N(0, noise²)}; binary: label 1 with probability {@code σ(w·x + b)}; multiclass: the
 * argmax of {@code W·x + b + Gumbel noise} over {@code classes}. At event {@code driftAt} the true weights
 * change (a different seed), so a model that keeps learning recovers and one that stopped does not.
 */
public final class StreamGenerator {

    /** The task of the generated stream. */
    public enum Task {
        /** Real-valued labels. */
        REGRESSION,
        /** 0/1 labels. */
        BINARY,
        /** Class indices. */
        MULTICLASS
    }

    private final Task task;
    private final int d;
    private final int classes;
    private final long driftAt;
    private final double noise;
    private final SplittableRandom random;
    private final double[][] before;
    private final double[][] after;
    private long produced;

    /** A stream of {@code task} with {@code d} features, drifting at {@code driftAt}, seeded. */
    public StreamGenerator(Task task, int d, int classes, long driftAt, double noise, long seed) {
        this.task = task;
        this.d = d;
        this.classes = task == Task.MULTICLASS ? classes : 1;
        this.driftAt = driftAt;
        this.noise = noise;
        this.random = new SplittableRandom(seed);
        this.before = weights(new SplittableRandom(seed * 31 + 1));
        this.after = weights(new SplittableRandom(seed * 31 + 2));
    }

    private double[][] weights(SplittableRandom r) {
        double[][] w = new double[classes][d + 1];
        for (double[] row : w) {
            for (int j = 0; j <= d; j++) {
                row[j] = Math.round((r.nextDouble() * 6 - 3) * 100) / 100.0;
            }
        }
        return w;
    }

    /** The true weights (last column: intercept) in force at event {@code i} (0-based). */
    public double[][] trueWeights(long i) {
        return i < driftAt ? before : after;
    }

    /** Events generated so far. */
    public long produced() {
        return produced;
    }

    /** The next event as DESIGN.md's JSON. */
    public String next() {
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            x[j] = random.nextGaussian();
        }
        double[][] w = trueWeights(produced);
        produced++;
        StringBuilder sb = new StringBuilder(24 * d + 40).append("{\"features\":[");
        for (int j = 0; j < d; j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append(String.format(Locale.ROOT, "%.6f", x[j]));
        }
        sb.append("],\"label\":");
        switch (task) {
            case REGRESSION -> sb.append(String.format(Locale.ROOT, "%.6f", score(w[0], x)
                    + noise * random.nextGaussian()));
            case BINARY -> sb.append(random.nextDouble() < 1 / (1 + Math.exp(-score(w[0], x))) ? 1 : 0);
            default -> {
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    double s = score(w[c], x) - Math.log(-Math.log(random.nextDouble()));
                    if (s > bestScore) {
                        bestScore = s;
                        best = c;
                    }
                }
                sb.append(best);
            }
        }
        return sb.append('}').toString();
    }

    private double score(double[] w, double[] x) {
        double s = w[d];
        for (int j = 0; j < d; j++) {
            s += w[j] * x[j];
        }
        return s;
    }

    /** A spec that suits this stream (Adam, standardized). */
    public String spec() {
        return switch (task) {
            case REGRESSION -> "{\"task\":\"regression\",\"features\":" + d + ",\"optimizer\":{\"type\":\"adam\","
                    + "\"learningRate\":0.02},\"metrics\":{\"window\":2000,\"ewmaAlpha\":0.001},\"publishEvery\":5000}";
            case BINARY -> "{\"task\":\"binary\",\"features\":" + d + ",\"optimizer\":{\"type\":\"adam\","
                    + "\"learningRate\":0.01},\"metrics\":{\"window\":2000,\"ewmaAlpha\":0.001},\"publishEvery\":5000}";
            default -> "{\"task\":\"multiclass\",\"features\":" + d + ",\"classes\":" + classes + ",\"optimizer\":"
                    + "{\"type\":\"adam\",\"learningRate\":0.01},\"metrics\":{\"window\":2000,\"ewmaAlpha\":0.001},"
                    + "\"publishEvery\":5000}";
        };
    }
}
