package org.streamlearn.core.drift;

import java.util.Arrays;

/**
 * What an {@link AdwinDetector} has learned: the counters, the window's size, total and sum of squared
 * deviations ({@code variance}, which divided by {@code width} is σ²), and the histogram, row by row from row 0
 * (buckets of 1 value) up: {@code bucketsPerRow[r]} buckets of {@code 2^r} values each, whose totals and sums of
 * squared deviations are listed in {@code bucketTotals} and {@code bucketVariances}, row 0 first, oldest bucket
 * first within a row. {@code tick} counts the values since the detector's last start (its clock);
 * {@code meanBefore} and {@code meanAfter} are those of the last detection (0 before the first).
 *
 * <p>An immutable value: the constructor and the accessors copy the arrays. Equality compares doubles bit for
 * bit.
 */
public final class AdwinState implements DriftState {

    private final long seen;
    private final long detections;
    private final long tick;
    private final long width;
    private final double total;
    private final double variance;
    private final int[] bucketsPerRow;
    private final double[] bucketTotals;
    private final double[] bucketVariances;
    private final double meanBefore;
    private final double meanAfter;

    /**
     * A state from saved values, checked for consistency: counts {@code >= 0}, the highest row not empty, one
     * total and one variance per bucket, and {@code width = Σ bucketsPerRow[r]·2^r}.
     */
    public AdwinState(long seen, long detections, long tick, long width, double total, double variance,
            int[] bucketsPerRow, double[] bucketTotals, double[] bucketVariances, double meanBefore,
            double meanAfter) {
        if (seen < 0 || detections < 0 || tick < 0 || width < 0 || tick > seen) {
            throw new IllegalArgumentException("drift.state: counts must be >= 0 and tick <= seen, got seen=" + seen
                    + ", detections=" + detections + ", tick=" + tick + ", width=" + width);
        }
        if (bucketsPerRow == null || bucketTotals == null || bucketVariances == null) {
            throw new IllegalArgumentException("drift.state: the histogram arrays must not be null");
        }
        if (bucketsPerRow.length > 62) {
            throw new IllegalArgumentException("drift.state.bucketsPerRow: at most 62 rows, got "
                    + bucketsPerRow.length);
        }
        long buckets = 0;
        long values = 0;
        for (int r = 0; r < bucketsPerRow.length; r++) {
            if (bucketsPerRow[r] < 0) {
                throw new IllegalArgumentException("drift.state.bucketsPerRow[" + r + "]: must be >= 0, got "
                        + bucketsPerRow[r]);
            }
            buckets += bucketsPerRow[r];
            values += (long) bucketsPerRow[r] << r;
        }
        if (bucketsPerRow.length > 0 && bucketsPerRow[bucketsPerRow.length - 1] == 0) {
            throw new IllegalArgumentException("drift.state.bucketsPerRow: the highest row must not be empty");
        }
        if (bucketTotals.length != buckets || bucketVariances.length != buckets) {
            throw new IllegalArgumentException("drift.state: " + buckets + " buckets need as many totals and "
                    + "variances, got " + bucketTotals.length + " and " + bucketVariances.length);
        }
        if (values != width) {
            throw new IllegalArgumentException("drift.state.width: the buckets hold " + values + " values, got "
                    + width);
        }
        if (tick < width) {
            throw new IllegalArgumentException("drift.state.tick: must be >= width " + width + ", got " + tick);
        }
        this.seen = seen;
        this.detections = detections;
        this.tick = tick;
        this.width = width;
        this.total = total;
        this.variance = variance;
        this.bucketsPerRow = bucketsPerRow.clone();
        this.bucketTotals = bucketTotals.clone();
        this.bucketVariances = bucketVariances.clone();
        this.meanBefore = meanBefore;
        this.meanAfter = meanAfter;
    }

    /** The state of a fresh detector. */
    public static AdwinState fresh() {
        return new AdwinState(0, 0, 0, 0, 0.0, 0.0, new int[0], new double[0], new double[0], 0.0, 0.0);
    }

    @Override
    public long seen() {
        return seen;
    }

    @Override
    public long detections() {
        return detections;
    }

    /** Values since the detector's last start: the clock. */
    public long tick() {
        return tick;
    }

    /** Values in the window. */
    public long width() {
        return width;
    }

    /** Sum of the window's values. */
    public double total() {
        return total;
    }

    /** Sum of squared deviations from the mean over the window (σ² times {@code width}). */
    public double variance() {
        return variance;
    }

    /** Buckets in each row, row 0 first (a copy). */
    public int[] bucketsPerRow() {
        return bucketsPerRow.clone();
    }

    /** Each bucket's total, row 0 first, oldest first within a row (a copy). */
    public double[] bucketTotals() {
        return bucketTotals.clone();
    }

    /** Each bucket's sum of squared deviations, in the order of {@link #bucketTotals()} (a copy). */
    public double[] bucketVariances() {
        return bucketVariances.clone();
    }

    /** Mean of the values dropped at the last detection (0 before the first). */
    public double meanBefore() {
        return meanBefore;
    }

    /** Mean of the window that remained at the last detection (0 before the first). */
    public double meanAfter() {
        return meanAfter;
    }

    int rowCount() {
        return bucketsPerRow.length;
    }

    int bucketsIn(int row) {
        return bucketsPerRow[row];
    }

    double totalAt(int i) {
        return bucketTotals[i];
    }

    double varianceAt(int i) {
        return bucketVariances[i];
    }

    @Override
    public AdwinState copy() {
        return new AdwinState(seen, detections, tick, width, total, variance, bucketsPerRow, bucketTotals,
                bucketVariances, meanBefore, meanAfter);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdwinState s && seen == s.seen && detections == s.detections && tick == s.tick
                && width == s.width && Double.compare(total, s.total) == 0
                && Double.compare(variance, s.variance) == 0 && Arrays.equals(bucketsPerRow, s.bucketsPerRow)
                && Arrays.equals(bucketTotals, s.bucketTotals) && Arrays.equals(bucketVariances, s.bucketVariances)
                && Double.compare(meanBefore, s.meanBefore) == 0 && Double.compare(meanAfter, s.meanAfter) == 0;
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(seen);
        h = 31 * h + Long.hashCode(detections);
        h = 31 * h + Long.hashCode(tick);
        h = 31 * h + Long.hashCode(width);
        h = 31 * h + Double.hashCode(total);
        h = 31 * h + Double.hashCode(variance);
        h = 31 * h + Arrays.hashCode(bucketsPerRow);
        h = 31 * h + Arrays.hashCode(bucketTotals);
        h = 31 * h + Arrays.hashCode(bucketVariances);
        h = 31 * h + Double.hashCode(meanBefore);
        return 31 * h + Double.hashCode(meanAfter);
    }

    @Override
    public String toString() {
        return "AdwinState[seen=" + seen + ", detections=" + detections + ", tick=" + tick + ", width=" + width
                + ", total=" + total + ", variance=" + variance + ", bucketsPerRow="
                + Arrays.toString(bucketsPerRow) + ", meanBefore=" + meanBefore + ", meanAfter=" + meanAfter + "]";
    }
}
