package org.streamlearn.core.metric;

import java.util.Arrays;
import org.streamlearn.core.Checks;

/**
 * The rolling loss of a stream: running mean (sum then divide), exponentially weighted mean
 * ({@code e = α·x + (1 − α)·e}, starting at the first value) and the mean of a fixed window of the latest
 * values (a ring buffer; its mean is summed afresh on read, so it never drifts).
 */
public final class RollingLoss {

    private final double alpha;
    /** {@code 1 − alpha}, computed once (the same value the expression gives on every event). */
    private final double complement;
    private long count;
    private double sum;
    private double ewma;
    private final double[] window;
    private int position;
    private int filled;

    /** Empty, with the given window size and EWMA weight {@code alpha} in (0, 1]. */
    public RollingLoss(int windowSize, double alpha) {
        this(alpha, 0, 0.0, 0.0, new double[checkWindow(windowSize)], 0, 0);
    }

    /** Restores saved state (the window array is taken as it is). */
    public RollingLoss(double alpha, long count, double sum, double ewma, double[] window, int position,
            int filled) {
        Checks.openClosedUnit("metrics.ewmaAlpha", alpha);
        checkWindow(window.length);
        if (position < 0 || position >= window.length || filled < 0 || filled > window.length) {
            throw new IllegalArgumentException("metrics window position/filled out of range: " + position + "/"
                    + filled + " for a window of " + window.length);
        }
        this.alpha = alpha;
        this.complement = 1.0 - alpha;
        this.count = count;
        this.sum = sum;
        this.ewma = ewma;
        this.window = window;
        this.position = position;
        this.filled = filled;
    }

    private static int checkWindow(int w) {
        Checks.atLeast("metrics.window", w, 1);
        return w;
    }

    /** Adds one loss value. */
    public void add(double loss) {
        count++;
        sum += loss;
        ewma = count == 1 ? loss : alpha * loss + complement * ewma;
        window[position] = loss;
        position = position + 1 == window.length ? 0 : position + 1;
        if (filled < window.length) {
            filled++;
        }
    }

    /** Values added so far. */
    public long count() {
        return count;
    }

    /** Sum of all values. */
    public double sum() {
        return sum;
    }

    /** Running mean of all values (NaN when empty). */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** EWMA (NaN when empty). */
    public double ewma() {
        return count == 0 ? Double.NaN : ewma;
    }

    /** Mean of the latest {@code min(count, window)} values, oldest first (NaN when empty). */
    public double windowMean() {
        if (filled == 0) {
            return Double.NaN;
        }
        double s = 0.0;
        int start = filled < window.length ? 0 : position;
        for (int i = 0; i < filled; i++) {
            int idx = start + i;
            s += window[idx >= window.length ? idx - window.length : idx];
        }
        return s / filled;
    }

    /** The EWMA weight. */
    public double alpha() {
        return alpha;
    }

    /** The raw EWMA accumulator (for snapshots). */
    public double ewmaRaw() {
        return ewma;
    }

    /** The live ring buffer (for snapshots). */
    public double[] window() {
        return window;
    }

    /** Next write position in the ring. */
    public int position() {
        return position;
    }

    /** Number of valid ring entries. */
    public int filled() {
        return filled;
    }

    /** A deep copy. */
    public RollingLoss copy() {
        return new RollingLoss(alpha, count, sum, ewma, window.clone(), position, filled);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RollingLoss r && r.alpha == alpha && r.count == count
                && Double.compare(r.sum, sum) == 0 && Double.compare(r.ewma, ewma) == 0
                && r.position == position && r.filled == filled && Arrays.equals(r.window, window);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Double.hashCode(sum);
    }
}
