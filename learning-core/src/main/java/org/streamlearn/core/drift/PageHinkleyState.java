package org.streamlearn.core.drift;

/**
 * What a {@link PageHinkleyDetector} has learned: the counters and DESIGN.md's statistics {@code n} (which starts
 * at 1, so it is one more than the values since the last start), {@code mean} and {@code sum}.
 *
 * <p>A record of numbers: its equality compares doubles bit for bit ({@link Double#compare}).
 *
 * @param seen       values seen since creation or reset
 * @param detections drifts detected since creation or reset
 * @param n          {@code >= 1}
 * @param mean       running mean since the last start
 * @param sum        the test statistic, {@code >= 0}
 */
public record PageHinkleyState(long seen, long detections, long n, double mean, double sum) implements DriftState {

    /** Checks the invariants a saved state must satisfy. */
    public PageHinkleyState {
        if (n < 1) {
            throw new IllegalArgumentException("drift.state.n: must be >= 1, got " + n);
        }
        if (detections < 0 || seen < n - 1) {
            throw new IllegalArgumentException("drift.state: detections must be >= 0 and seen >= n - 1, got seen="
                    + seen + ", detections=" + detections + ", n=" + n);
        }
        if (!(sum >= 0)) {
            throw new IllegalArgumentException("drift.state.sum: must be >= 0, got " + sum);
        }
    }

    /** The state of a fresh detector. */
    public static PageHinkleyState fresh() {
        return new PageHinkleyState(0, 0, 1, 0.0, 0.0);
    }

    @Override
    public PageHinkleyState copy() {
        return new PageHinkleyState(seen, detections, n, mean, sum);
    }
}
