package org.streamlearn.core.drift;

/**
 * A drift detector on a stream of numbers (one per scored event: an error or a loss, DESIGN.md "Drift
 * detection"): its configuration, an immutable {@link DriftConfig}, and what it has learned, exported as a
 * {@link DriftState} for persistence.
 *
 * <p>After a detection the detector starts afresh with the next value: its statistics are cleared at once,
 * while {@link #seen()}, {@link #detections()} and the means of the last detection are kept. {@link #reset()}
 * clears everything: a reset detector equals a fresh one.
 *
 * <p>Not thread-safe: one detector belongs to one model's stream.
 */
public sealed interface DriftDetector permits PageHinkleyDetector, AdwinDetector {

    /** The configuration this detector runs with. */
    DriftConfig config();

    /**
     * Adds one value.
     *
     * @param x the value, finite
     * @return whether a drift is detected at this value
     * @throws IllegalArgumentException if {@code x} is not finite (the state is then unchanged)
     */
    boolean update(double x);

    /** Back to the fresh state: nothing seen, no detection. */
    void reset();

    /** Values seen since creation or the last {@link #reset()}, detections included. */
    long seen();

    /** Drifts detected since creation or the last {@link #reset()}. */
    long detections();

    /**
     * The mean of the signal before the change, as the detector knew it at its last detection; NaN before the
     * first detection, and always NaN for a detector that does not locate the change (Page-Hinkley).
     */
    double meanBefore();

    /** The mean of the signal after the change at the last detection; NaN where {@link #meanBefore()} is. */
    double meanAfter();

    /** A snapshot of what the detector has learned (a copy: later updates do not change it). */
    DriftState state();
}
