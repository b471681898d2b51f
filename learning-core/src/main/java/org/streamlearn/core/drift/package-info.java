/**
 * Drift detectors on a stream of numbers (one per scored event: its error or its loss), exactly as DESIGN.md
 * "Drift detection" defines them: {@link org.streamlearn.core.drift.PageHinkley} (Page 1954) and
 * {@link org.streamlearn.core.drift.Adwin} (Bifet and Gavaldà 2007).
 *
 * <p>Written like the optimizers: an immutable, validated configuration ({@link
 * org.streamlearn.core.drift.DriftConfig}, a record whose parameters are named as in a spec) makes a
 * {@link org.streamlearn.core.drift.DriftDetector}, whose learned {@link org.streamlearn.core.drift.DriftState}
 * (plain longs, doubles and arrays) is saved with the model and restored by
 * {@link org.streamlearn.core.drift.DriftConfig#restore}; a restored detector continues bit for bit. After a
 * detection a detector starts afresh with the next value.
 *
 * <p>Cost per value. Page-Hinkley does a division, a multiply-add and a comparison on a handful of fields and
 * allocates nothing. ADWIN appends the value to row 0 of its histogram and merges full rows (O(1) amortized,
 * at most one merge per row, {@code System.arraycopy} of at most {@code maxBuckets + 1} slots); every
 * {@code clock} values it scans the cuts, O(rows·maxBuckets) with rows about {@code log2(width/maxBuckets)},
 * restarting after each dropped bucket. Its arrays are allocated up front for 32 rows and doubled only if a
 * window ever holds more than {@code maxBuckets·(2^32 − 1)} values; nothing else is allocated per value.
 * Snapshots ({@code state()}) copy, at snapshot time only.
 */
package org.streamlearn.core.drift;
