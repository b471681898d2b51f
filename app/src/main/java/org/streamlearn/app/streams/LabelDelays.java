package org.streamlearn.app.streams;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The distribution of a model's label delays (label record timestamp − remembered prediction's record
 * timestamp, in ms of stream time) as a log-bucket histogram, for its quantiles (DESIGN.md "Delayed labels",
 * issue 9's p50 and p99). Bounded and deterministic: a delay of 0 has a bucket of its own; a delay
 * {@code d ≥ 1} falls in bucket {@code i = ⌈log_γ d⌉} (so {@code γ^(i−1) < d ≤ γ^i}) with {@code γ = 1.02},
 * whose representative value is {@code 2γ^i/(γ + 1)}. There are at most {@value #MAX_BUCKETS} buckets whatever
 * the delays (a delay of {@link Long#MAX_VALUE} ms is bucket 2207), and only the non-empty ones are kept and
 * stored. Counts are integers, the bucket of a delay is computed with {@link StrictMath}, so the same delays
 * give the same histogram on any JVM, live or restored.
 *
 * <p><b>Error bound.</b> {@link #quantile}{@code (q)} returns the representative of the bucket holding the
 * nearest-rank quantile (the value of rank {@code ⌈q·n⌉}, at least 1, of the n delays sorted), so it is within
 * {@link #RELATIVE_ERROR} {@code = (γ − 1)/(γ + 1) ≈ 0.99 %} of that exact quantile, relative (exact for a
 * delay of 0); the same bound as DDSketch (Masson, Rim and Lee, VLDB 2019), here without bucket collapsing
 * because the bucket count is bounded anyway.
 *
 * <p>Stored apart from the {@link FeedbackCounters} (under {@link PendingPrediction#delaysKey}), so that it is
 * written when a label is matched only. Binary: varint bucket count, then (varint bucket, varint count)
 * pairs in ascending bucket order. Not thread-safe.
 */
public final class LabelDelays {

    /** The growth factor of the bucket bounds. */
    static final double GAMMA = 1.02;
    /** The bound on the relative error of {@link #quantile}: {@code (γ − 1)/(γ + 1)}. */
    public static final double RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1);
    /** The number of buckets a histogram can have at most (0, and 1 ≤ d ≤ {@link Long#MAX_VALUE}). */
    public static final int MAX_BUCKETS = 2208;

    private static final double LN_GAMMA = StrictMath.log(GAMMA);

    private int[] buckets = new int[4];
    private long[] counts = new long[4];
    private int size;
    private long total;

    /** Adds one delay (a negative one counts as 0: a label stamped before its prediction). */
    public void add(long delayMs) {
        int b = bucket(delayMs);
        int at = Arrays.binarySearch(buckets, 0, size, b);
        if (at >= 0) {
            counts[at]++;
        } else {
            at = -at - 1;
            if (size == buckets.length) {
                buckets = Arrays.copyOf(buckets, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            System.arraycopy(buckets, at, buckets, at + 1, size - at);
            System.arraycopy(counts, at, counts, at + 1, size - at);
            buckets[at] = b;
            counts[at] = 1;
            size++;
        }
        total++;
    }

    /** The number of delays added. */
    public long count() {
        return total;
    }

    /** The number of non-empty buckets. */
    int buckets() {
        return size;
    }

    /**
     * The {@code q}-quantile ({@code 0 ≤ q ≤ 1}) of the delays in ms, within {@link #RELATIVE_ERROR} of the exact
     * nearest-rank quantile; NaN when there are none.
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q: expected 0 ≤ q ≤ 1, got " + q);
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        int i = 0;
        while (i < size - 1) {
            seen += counts[i];
            if (seen >= rank) {
                break;
            }
            i++;
        }
        return value(buckets[i]);
    }

    /** The bucket of a delay: 0 for {@code d ≤ 0}, else {@code 1 + ⌈log_γ d⌉}. */
    static int bucket(long delayMs) {
        if (delayMs <= 0) {
            return 0;
        }
        double d = delayMs;
        int i = (int) Math.ceil(StrictMath.log(d) / LN_GAMMA);
        // the quotient of two rounded logs can be one off at a bound: settle γ^(i−1) < d ≤ γ^i exactly
        while (StrictMath.pow(GAMMA, i) < d) {
            i++;
        }
        while (i > 0 && StrictMath.pow(GAMMA, i - 1) >= d) {
            i--;
        }
        return i + 1;
    }

    /** The representative delay of a bucket: 0, or {@code 2γ^i/(γ + 1)} for bucket {@code i + 1}. */
    static double value(int bucket) {
        return bucket == 0 ? 0 : 2 * StrictMath.pow(GAMMA, bucket - 1) / (GAMMA + 1);
    }

    /** The binary form (see the class comment). */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 + size * 4);
        varint(out, size);
        for (int i = 0; i < size; i++) {
            varint(out, buckets[i]);
            varint(out, counts[i]);
        }
        return out.toByteArray();
    }

    /** A histogram from its {@link #encode binary form}; empty for null. */
    public static LabelDelays decode(byte[] bytes) {
        LabelDelays h = new LabelDelays();
        if (bytes == null) {
            return h;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int n = (int) varint(b);
        if (n < 0 || n > MAX_BUCKETS) {
            throw new IllegalArgumentException("label delays: " + n + " buckets, at most " + MAX_BUCKETS);
        }
        h.buckets = new int[Math.max(4, n)];
        h.counts = new long[Math.max(4, n)];
        for (int i = 0; i < n; i++) {
            h.buckets[i] = (int) varint(b);
            h.counts[i] = varint(b);
            h.total += h.counts[i];
        }
        h.size = n;
        return h;
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("label delays: a varint longer than 64 bits");
    }
}
