package org.streamlearn.core.drift;

/**
 * What a {@link PageHinkleyDetector} has learned. {@code n}, {@code mean} and {@code sum} are DESIGN.md's
 * statistics ({@code n} starts at 1); the values since the last start are split at the last value after which
 * {@code sum} was 0 into {@code before} and {@code after} (count and total of each), which estimates the change
 * point; {@code meanBefore} and {@code meanAfter} are those of the last detection (0 before the first).
 *
 * <p>A record of numbers: its equality compares doubles bit for bit ({@link Double#compare}).
 */
public record PageHinkleyState(long seen, long detections, long n, double mean, double sum, long beforeCount,
        double beforeTotal, long afterCount, double afterTotal, double meanBefore, double meanAfter)
        implements DriftState {

    /** Checks the invariants a saved state must satisfy. */
    public PageHinkleyState {
        if (n < 1) {
            throw new IllegalArgumentException("drift.state.n: must be >= 1, got " + n);
        }
        if (seen < n - 1 || detections < 0 || beforeCount < 0 || afterCount < 0) {
            throw new IllegalArgumentException("drift.state: counts must be >= 0 and seen >= n - 1, got seen="
                    + seen + ", detections=" + detections + ", beforeCount=" + beforeCount + ", afterCount="
                    + afterCount + ", n=" + n);
        }
        if (beforeCount + afterCount != n - 1) {
            throw new IllegalArgumentException("drift.state: beforeCount + afterCount must be n - 1, got "
                    + beforeCount + " + " + afterCount + " with n=" + n);
        }
        if (!(sum >= 0)) {
            throw new IllegalArgumentException("drift.state.sum: must be >= 0, got " + sum);
        }
    }

    /** The state of a fresh detector. */
    public static PageHinkleyState fresh() {
        return new PageHinkleyState(0, 0, 1, 0.0, 0.0, 0, 0.0, 0, 0.0, 0.0, 0.0);
    }

    @Override
    public PageHinkleyState copy() {
        return new PageHinkleyState(seen, detections, n, mean, sum, beforeCount, beforeTotal, afterCount,
                afterTotal, meanBefore, meanAfter);
    }
}
