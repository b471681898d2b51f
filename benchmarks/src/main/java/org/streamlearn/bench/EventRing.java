package org.streamlearn.bench;

import java.util.SplittableRandom;

/**
 * Pre-generated regression events, reused cyclically so that data generation stays outside the measured loop.
 *
 * <p>Features: {@link #rowsFor(int)} rows of i.i.d. standard normals, small enough to stay in the L2 cache, as
 * an event just deserialized would be. Labels: {@code y = w*·x + 0.5 + 0.1·ε} with {@code w*_j ~ N(0, 1/d)} (so
 * {@code Var(y) ≈ 1}), where ε comes from a second ring of {@value #NOISE} standard normals, a length coprime
 * with the number of rows: the pairs {@code (x, y)} do not repeat with the rows, so even when there are fewer
 * rows than features the models cannot interpolate them and the residual stays at the noise level (no decay
 * into subnormal numbers). Deterministic for a seed.
 */
public final class EventRing {

    /** Length of the noise ring, a prime. */
    public static final int NOISE = 4093;

    private final double[][] x;
    private final double[] signal;
    private final double[] noise;
    private final int mask;
    private int cursor;
    private int noiseCursor;
    private double y;

    /**
     * Generates the events.
     *
     * @param d    feature dimension
     * @param rows number of feature rows, a power of two
     * @param seed random seed
     */
    public EventRing(int d, int rows, long seed) {
        if (rows < 1 || Integer.bitCount(rows) != 1) {
            throw new IllegalArgumentException("rows: must be a power of two, got " + rows);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] truth = new double[d];
        double scale = 1.0 / Math.sqrt(d);
        for (int j = 0; j < d; j++) {
            truth[j] = gaussian(rnd) * scale;
        }
        this.x = new double[rows][d];
        this.signal = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0.5;
            for (int j = 0; j < d; j++) {
                double v = gaussian(rnd);
                x[i][j] = v;
                s += truth[j] * v;
            }
            signal[i] = s;
        }
        this.noise = new double[NOISE];
        for (int k = 0; k < NOISE; k++) {
            noise[k] = 0.1 * gaussian(rnd);
        }
        this.mask = rows - 1;
    }

    /** The number of rows for dimension {@code d}: a power of two in [16, 4096], at most 512 KiB of features. */
    public static int rowsFor(int d) {
        int budget = Math.max(16, Math.min(4096, (512 * 1024 / Double.BYTES) / d));
        return Integer.highestOneBit(budget);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller (one of the pair); u1 in (0, 1] so the logarithm is finite
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Moves to the next event (wrapping around) and returns its features (never mutated by the learners). */
    public double[] next() {
        int i = cursor;
        cursor = (i + 1) & mask;
        int k = noiseCursor + 1;
        noiseCursor = k == NOISE ? 0 : k;
        y = signal[i] + noise[noiseCursor];
        return x[i];
    }

    /** The label of the event {@link #next()} returned last. */
    public double y() {
        return y;
    }

    /** Features of row {@code i} (live, never mutated by the learners), for callers that index the rows. */
    public double[] x(int i) {
        return x[i];
    }

    /** A label for row {@code i}: its signal plus noise {@code i mod} {@value #NOISE}. */
    public double y(int i) {
        return signal[i] + noise[i % NOISE];
    }

    /** Number of feature rows. */
    public int rows() {
        return signal.length;
    }
}
