package org.streamlearn.bench;

/**
 * A fixed run of {@value #LENGTH} events of an {@link EventRing} (its first ones), in the arrays that
 * {@code OnlineLearner.learnAll} takes, for the benchmarks that learn several events per call: one call learns
 * the next chunk of {@code xs}/{@code ys}, and the chunks cycle through the table. The raw loops walk the same
 * chunks. The features are the ring's rows (shared, never mutated), so the working set is the ring's plus
 * 80 KiB; each row recurs with other noise (at d = 1000 the 64 rows appear 64 times each), so the models do not
 * interpolate the table and the residual stays at the noise level.
 */
public final class EventTable {

    /** Events in the table: a power of two, so any power-of-two chunk up to it divides it. */
    public static final int LENGTH = 4096;

    /** Features of event {@code i} (rows of the ring). */
    public final double[][] xs = new double[LENGTH][];
    /** Label of event {@code i}. */
    public final double[] ys = new double[LENGTH];
    /** Where the progressive prediction of event {@code i} goes. */
    public final double[] predictions = new double[LENGTH];
    private int cursor;

    /** The first {@value #LENGTH} events of {@code new EventRing(d, EventRing.rowsFor(d), seed)}. */
    public EventTable(int d, long seed) {
        EventRing ring = new EventRing(d, EventRing.rowsFor(d), seed);
        for (int i = 0; i < LENGTH; i++) {
            xs[i] = ring.next();
            ys[i] = ring.y();
        }
    }

    /**
     * The index of the next chunk's first event; moves on by {@code chunk} (a power of two up to
     * {@value #LENGTH}), back to 0 after the last chunk.
     */
    public int advance(int chunk) {
        int from = cursor;
        cursor = (from + chunk) & (LENGTH - 1);
        return from;
    }
}
