package org.streamlearn.core.metric;

import java.util.Arrays;
import org.streamlearn.core.Checks;

/**
 * The rolling loss of a stream: running mean (sum then divide), exponentially weighted mean
 * ({@code e = α·x + (1 − α)·e}, starting at the first value) and the mean of a fixed window of the latest
 * values (a ring buffer; its mean is summed afresh on read, so it never drifts).
 *
 * <p>The ring grows as it fills (8 values, then twice as many each time, up to the window's size), so a model
 * that has seen few events holds few values: at the default window of 1,000 a full ring is 8 KB, two thirds of a
 * d = 20 model's heap. The values, and so every mean, are the same whatever the ring's capacity.
 */
public final class RollingLoss {

    private final double alpha;
    /** {@code 1 − alpha}, computed once (the same value the expression gives on every event). */
    private final double complement;
    private long count;
    private double sum;
    private double ewma;
    /** The window's size: the ring's capacity once full. */
    private final int size;
    /** The ring; shorter than {@link #size} until it fills, while {@code position == filled}. */
    private double[] window;
    private int position;
    private int filled;

    /** Empty, with the given window size and EWMA weight {@code alpha} in (0, 1]. */
    public RollingLoss(int windowSize, double alpha) {
        this(alpha, checkWindow(windowSize), 0, 0.0, 0.0, new double[Math.min(windowSize, INITIAL_CAPACITY)], 0, 0);
    }

    /** Restores saved state; the window's size is {@code window.length} (the array is taken as it is). */
    public RollingLoss(double alpha, long count, double sum, double ewma, double[] window, int position,
            int filled) {
        this(alpha, window.length, count, sum, ewma, window, position, filled);
    }

    /**
     * Restores saved state with a window of {@code size} values, of which {@code values} holds the ring (taken as
     * it is). {@code values} may be shorter than {@code size} while the window is not full, if it holds the
     * {@code filled} values in the order they came ({@code position == filled}); it grows as values come.
     */
    public RollingLoss(double alpha, int size, long count, double sum, double ewma, double[] values, int position,
            int filled) {
        Checks.openClosedUnit("metrics.ewmaAlpha", alpha);
        checkWindow(size);
        if (position < 0 || position >= size || filled < 0 || filled > size) {
            throw new IllegalArgumentException("metrics window position/filled out of range: " + position + "/"
                    + filled + " for a window of " + size);
        }
        if (values.length > size || values.length < size && (position != filled || values.length < filled)) {
            throw new IllegalArgumentException("metrics window of " + values.length + " values for a window of "
                    + size + " at position/filled " + position + "/" + filled);
        }
        this.alpha = alpha;
        this.size = size;
        this.complement = 1.0 - alpha;
        this.count = count;
        this.sum = sum;
        this.ewma = ewma;
        this.window = values;
        this.position = position;
        this.filled = filled;
    }

    /**
     * Restores saved state from the window's {@code filled} values as a snapshot lists them ({@code values},
     * ring order): kept as they are while the window is not full and {@code position == filled}, else put in a
     * ring of {@code size}.
     */
    public static RollingLoss restore(double alpha, int size, long count, double sum, double ewma, double[] values,
            int position) {
        int filled = values.length;
        double[] ring = values;
        if (filled > size) {
            throw new IllegalArgumentException("metrics window of " + filled + " values for a window of " + size);
        }
        if (filled == size || position != filled) {
            ring = Arrays.copyOf(values, checkWindow(size));
        }
        return new RollingLoss(alpha, size, count, sum, ewma, ring, position, filled);
    }

    /** The ring's first capacity. */
    private static final int INITIAL_CAPACITY = 8;

    private static int checkWindow(int w) {
        Checks.atLeast("metrics.window", w, 1);
        return w;
    }

    /** Adds one loss value. */
    public void add(double loss) {
        count++;
        sum += loss;
        ewma = count == 1 ? loss : alpha * loss + complement * ewma;
        if (position == window.length) { // not full yet, and the ring is: grow it
            window = Arrays.copyOf(window, (int) Math.min(size, Math.max(INITIAL_CAPACITY, 2L * window.length)));
        }
        window[position] = loss;
        position = position + 1 == size ? 0 : position + 1;
        if (filled < size) {
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
        int start = filled < size ? 0 : position;
        for (int i = 0; i < filled; i++) {
            int idx = start + i;
            s += window[idx >= size ? idx - size : idx];
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

    /**
     * The live ring buffer (for snapshots): its first {@link #filled} values are the window's. It is shorter than
     * {@link #windowSize} until the window is full.
     */
    public double[] window() {
        return window;
    }

    /** The window's size: how many of the latest values {@link #windowMean} covers once full. */
    public int windowSize() {
        return size;
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
        return new RollingLoss(alpha, size, count, sum, ewma, window.clone(), position, filled);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RollingLoss r && r.alpha == alpha && r.size == size && r.count == count
                && Double.compare(r.sum, sum) == 0 && Double.compare(r.ewma, ewma) == 0
                && r.position == position && r.filled == filled
                && Arrays.equals(r.window, 0, filled, window, 0, filled);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Double.hashCode(sum);
    }
}
