package org.streamlearn.core.drift;

import org.streamlearn.core.Checks;

/**
 * What every {@link DriftDetector} keeps the same way: its configuration, the {@code seen} and {@code detections}
 * counters, and the order of an update (check the value, count it, test it; at a detection count it and start
 * afresh) and of a reset (counters to 0, then start afresh). A detector supplies the test, {@link #detect}, and
 * what starting afresh clears, {@link #restart}.
 *
 * @param <C> the detector's configuration
 */
abstract class DetectorBase<C extends DriftConfig> {

    private final C config;
    private long seen;
    private long detections;

    DetectorBase(C config) {
        this.config = config;
    }

    /** The configuration this detector runs with. */
    public C config() {
        return config;
    }

    /** See {@link DriftDetector#update}. */
    public final boolean update(double x) {
        Checks.finite("drift value", x);
        seen++;
        if (!detect(x)) {
            return false;
        }
        detections++;
        restart();
        return true;
    }

    /** See {@link DriftDetector#reset}. */
    public void reset() {
        seen = 0;
        detections = 0;
        restart();
    }

    /** See {@link DriftDetector#seen}. */
    public long seen() {
        return seen;
    }

    /** See {@link DriftDetector#detections}. */
    public long detections() {
        return detections;
    }

    /**
     * Adds the finite value {@code x} (already counted in {@link #seen()}) to the statistics; whether they now
     * show a drift. The detection is counted and {@link #restart()} called after it returns true.
     */
    abstract boolean detect(double x);

    /** Starts afresh: the statistics cleared; kept: the counters and whatever the detector keeps of a detection. */
    abstract void restart();

    /** Takes the counters of a saved state. */
    void loadCounters(DriftState s) {
        seen = s.seen();
        detections = s.detections();
    }
}
