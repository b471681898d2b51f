package org.streamlearn.core.drift;

import java.util.Arrays;

/**
 * A running {@link Adwin} window. At a detection, {@link #meanBefore()} is the mean of the values the check
 * dropped and {@link #meanAfter()} the mean of the window that remained: ADWIN knows both exactly.
 *
 * <p>The histogram lives in flat arrays, {@code maxBuckets + 1} slots per row, row {@code r} at offset
 * {@code r·(maxBuckets + 1)}, each row a ring (its oldest bucket at {@code heads[r]}, so that a merge moves no
 * other bucket), allocated up front for 32 rows (about 3 KB with the default {@code maxBuckets}).
 * {@link #update} allocates only when the window needs more rows than that, which takes more than
 * {@code maxBuckets·(2^32 − 1)} values (the capacity then doubles); starting afresh keeps the arrays. Its cost
 * is O(1) amortized for the insertion, plus O(rows·maxBuckets) per cut scan every {@code clock} values, where
 * most cuts are ruled out by a test without division or square root that never changes the result
 * ({@code surelyNot}).
 */
public final class AdwinDetector extends DetectorBase<Adwin> implements DriftDetector {

    /** Relative slack on the pre-filter's bound (see {@link #surelyNot}). */
    private static final double PREFILTER_SLACK = 1e-6;
    /** Margin of the pre-filter for the rounding of the means' difference (see {@link #surelyNot}). */
    private static final double PREFILTER_MARGIN = 1e-12;

    /** Rows allocated up front: a window needs row r only beyond {@code maxBuckets·(2^r − 1)} values. */
    private static final int INITIAL_ROWS = 32;

    private final int slots;

    private double[] totals;
    private double[] variances;
    private int[] counts;
    private int[] heads;
    private int rows;
    private int buckets;

    private long width;
    private double total;
    private double variance;
    private long tick;
    private long untilCheck;
    private double meanBefore;
    private double meanAfter;

    AdwinDetector(Adwin config) {
        super(config);
        this.slots = config.maxBuckets() + 1;
        this.totals = new double[INITIAL_ROWS * slots];
        this.variances = new double[INITIAL_ROWS * slots];
        this.counts = new int[INITIAL_ROWS];
        this.heads = new int[INITIAL_ROWS];
        reset();
    }

    @Override
    boolean detect(double x) {
        tick++;
        insert(x);
        if (--untilCheck > 0) {
            return false;
        }
        untilCheck = config().clock(); // tick % clock == 0
        if (width <= config().gracePeriod()) {
            return false;
        }
        long droppedCount = 0;
        double droppedTotal = 0.0;
        int oldest;
        while ((oldest = significantCut()) >= 0) {
            droppedCount += 1L << oldest;
            droppedTotal += totals[slot(oldest, 0)];
            dropOldest();
        }
        if (droppedCount == 0) {
            return false;
        }
        meanBefore = droppedTotal / droppedCount;
        meanAfter = total / width;
        return true;
    }

    /** Adds {@code x} as a new bucket of row 0, updates the window's statistics, then merges full rows. */
    private void insert(double x) {
        if (rows == 0) {
            rows = 1;
        }
        append(0, x, 0.0);
        width++;
        if (width > 1) {
            double w1 = width - 1.0;
            double d = x - total / w1;
            variance += w1 * d * d / width;
        }
        total += x;
        for (int r = 0; r < rows && counts[r] == slots; r++) {
            if (r + 1 == rows) {
                ensureRows(rows + 1);
                rows++;
            }
            int at0 = slot(r, 0);
            int at1 = slot(r, 1);
            double n = 1L << r;
            double mu1 = totals[at0] / n;
            double mu2 = totals[at1] / n;
            double total12 = totals[at0] + totals[at1];
            double v12 = variances[at0] + variances[at1] + n * n * (mu1 - mu2) * (mu1 - mu2) / (n + n);
            removeOldest(r, 2);
            append(r + 1, total12, v12);
        }
    }

    /**
     * Scans the cuts from the oldest bucket to the newest; returns the row of the oldest bucket (the one to drop)
     * if a cut is significant, else −1. Most cuts are far from significant: {@link #surelyNot} rules those out
     * with a few multiplications, and only the others go through DESIGN.md's test as written
     * ({@link #significant}), so the result is that test's, bit for bit.
     */
    private int significantCut() {
        long n0 = 0;
        long n1 = width;
        double u0 = 0.0;
        double u1 = total;
        int visited = 0;
        double sigma2 = variance / width;
        double deltaPrime = Math.log(2 * Math.log(width) / config().delta());
        // below σ² = 1e-200 products could underflow, where the pre-filter's margins do not hold: no pre-filter
        double k = sigma2 >= 1e-200 ? 2 * sigma2 * deltaPrime * width * (1 - PREFILTER_SLACK) : -1;
        for (int r = rows - 1; r >= 0; r--) {
            long size = 1L << r;
            int at = r * slots;
            int head = heads[r];
            for (int j = 0; j < counts[r]; j++) {
                int i = head + j;
                double u = totals[at + (i < slots ? i : i - slots)];
                n0 += size;
                n1 -= size;
                u0 += u;
                u1 -= u;
                if (++visited == buckets) {
                    return -1; // no cut after the newest bucket
                }
                if (n0 >= Adwin.MIN_SUB_WINDOW && n1 >= Adwin.MIN_SUB_WINDOW && !surelyNot(n0, n1, u0, u1, k)
                        && significant(n0, n1, u0, u1, sigma2, deltaPrime)) {
                    return rows - 1;
                }
            }
        }
        return -1;
    }

    /**
     * Whether the cut (n0, u0 | n1, u1) is certainly not significant, without a division or a square root:
     * {@code (|u0·n1 − u1·n0| + 1e-12·(|u0|·n1 + |u1|·n0))² ≤ k·n0·n1} with {@code k = 2σ²δ'·n·(1 − 1e-6)}.
     * Since {@code m > 1/n0 + 1/n1 = n/(n0·n1)}, this puts {@code |μ0 − μ1|}, plus a margin (1e-12 of
     * {@code |μ0| + |μ1|}) far larger than the rounding of either side's arithmetic, below
     * {@code sqrt(2mσ²δ')·(1 − 5e-7)}, itself below the threshold {@link #significant} computes. False (the exact
     * test decides) whenever it cannot tell, including an overflowed or NaN left side, or a σ² below 1e-200
     * (where products could underflow).
     */
    static boolean surelyNot(long n0, long n1, double u0, double u1, double k) {
        double a = n0;
        double b = n1;
        double diff = Math.abs(u0 * b - u1 * a) + PREFILTER_MARGIN * (Math.abs(u0) * b + Math.abs(u1) * a);
        double d2 = diff * diff;
        return d2 < Double.POSITIVE_INFINITY && d2 <= k * a * b; // NaN or an overflowed left side: false
    }

    /** DESIGN.md's cut test, as written. */
    static boolean significant(long n0, long n1, double u0, double u1, double sigma2, double deltaPrime) {
        double m = 1.0 / (n0 - (Adwin.MIN_SUB_WINDOW - 1)) + 1.0 / (n1 - (Adwin.MIN_SUB_WINDOW - 1));
        double epsilon = Math.sqrt(2 * m * sigma2 * deltaPrime) + 2.0 / 3.0 * deltaPrime * m;
        return Math.abs(u0 / n0 - u1 / n1) > epsilon;
    }

    /** Drops the oldest bucket (the first of the highest row) and takes it out of the window's statistics. */
    private void dropOldest() {
        int r = rows - 1;
        int at = slot(r, 0);
        double n = 1L << r;
        double u = totals[at];
        double v = variances[at];
        double mu = u / n;
        width -= 1L << r;
        total -= u;
        double muWindow = total / width;
        variance -= v + n * width * (mu - muWindow) * (mu - muWindow) / (n + width);
        removeOldest(r, 1);
        while (rows > 0 && counts[rows - 1] == 0) {
            rows--;
        }
    }

    /** The index in the flat arrays of bucket {@code j} (0 = oldest) of row {@code row}. */
    private int slot(int row, int j) {
        int i = heads[row] + j;
        return row * slots + (i < slots ? i : i - slots);
    }

    private void append(int row, double t, double v) {
        int i = slot(row, counts[row]);
        totals[i] = t;
        variances[i] = v;
        counts[row]++;
        buckets++;
    }

    private void removeOldest(int row, int k) {
        int h = heads[row] + k;
        heads[row] = h < slots ? h : h - slots;
        counts[row] -= k;
        buckets -= k;
    }

    private void ensureRows(int needed) {
        if (needed > counts.length) {
            int capacity = Math.max(needed, 2 * counts.length);
            totals = Arrays.copyOf(totals, capacity * slots);
            variances = Arrays.copyOf(variances, capacity * slots);
            counts = Arrays.copyOf(counts, capacity);
            heads = Arrays.copyOf(heads, capacity);
        }
    }

    @Override
    public void reset() {
        meanBefore = 0.0;
        meanAfter = 0.0;
        super.reset();
    }

    /** Starts afresh: an empty window and the clock at 0; kept: seen, detections, the last means. */
    @Override
    void restart() {
        Arrays.fill(counts, 0, rows, 0);
        Arrays.fill(heads, 0, rows, 0);
        rows = 0;
        buckets = 0;
        width = 0;
        total = 0.0;
        variance = 0.0;
        tick = 0;
        untilCheck = config().clock();
    }

    @Override
    public double meanBefore() {
        return detections() == 0 ? Double.NaN : meanBefore;
    }

    @Override
    public double meanAfter() {
        return detections() == 0 ? Double.NaN : meanAfter;
    }

    /** Values in the window. */
    public long width() {
        return width;
    }

    /** Mean of the window; NaN when it is empty. */
    public double mean() {
        return width == 0 ? Double.NaN : total / width;
    }

    @Override
    public AdwinState state() {
        int[] perRow = Arrays.copyOf(counts, rows);
        double[] t = new double[buckets];
        double[] v = new double[buckets];
        int i = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < counts[r]; j++) {
                t[i] = totals[slot(r, j)];
                v[i] = variances[slot(r, j)];
                i++;
            }
        }
        return new AdwinState(seen(), detections(), tick, width, total, variance, perRow, t, v, meanBefore, meanAfter);
    }

    void load(AdwinState s) {
        int n = s.rowCount();
        for (int r = 0; r < n; r++) {
            if (s.bucketsIn(r) > config().maxBuckets()) {
                throw new IllegalArgumentException("drift.state.bucketsPerRow[" + r + "]: must be <= maxBuckets "
                        + config().maxBuckets() + ", got " + s.bucketsIn(r));
            }
        }
        ensureRows(n);
        restart();
        int i = 0;
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < s.bucketsIn(r); k++) {
                append(r, s.totalAt(i), s.varianceAt(i));
                i++;
            }
        }
        rows = n;
        loadCounters(s);
        tick = s.tick();
        untilCheck = config().clock() - tick % config().clock();
        width = s.width();
        total = s.total();
        variance = s.variance();
        meanBefore = s.meanBefore();
        meanAfter = s.meanAfter();
    }
}
