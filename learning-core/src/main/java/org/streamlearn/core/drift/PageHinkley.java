package org.streamlearn.core.drift;

import org.streamlearn.core.Checks;

/**
 * The Page-Hinkley test (Page 1954, "Continuous inspection schemes", Biometrika 41; in the fading form of
 * River's {@code drift.PageHinkley}), one-sided: it detects an increase of the mean, which for an error or a
 * loss is the drift that matters. As DESIGN.md "Drift detection" states it, with {@code n} starting at 1, each
 * value {@code x} does
 *
 * <pre>
 *   mean += (x − mean)/n
 *   sum   = max(0, alpha·sum + (x − mean − delta))
 *   n    += 1
 * </pre>
 *
 * and a drift is detected when {@code n ≥ minInstances} and {@code sum ≥ threshold} (with {@code n} after the
 * increment, so the earliest detection is at the {@code (minInstances − 1)}-th value after a start). After a
 * detection the detector starts afresh with the next value.
 *
 * @param minInstances values before a detection is possible ({@code min_instances}, default 30), {@code >= 1}
 * @param delta        tolerated increase of the mean, subtracted from every deviation (default 0.005),
 *                     {@code >= 0} and finite
 * @param threshold    detection threshold on {@code sum} (default 50), {@code > 0} and finite
 * @param alpha        fading factor of {@code sum} (default {@code 1 − 1e-4}), in {@code (0, 1]}
 */
public record PageHinkley(long minInstances, double delta, double threshold, double alpha) implements DriftConfig {

    /** Validates the parameters. */
    public PageHinkley {
        Checks.atLeast("drift.minInstances", minInstances, 1);
        Checks.nonNegative("drift.delta", delta);
        Checks.positive("drift.threshold", threshold);
        Checks.openClosedUnit("drift.alpha", alpha);
    }

    /**
     * DESIGN.md's defaults: {@code minInstances} 30, {@code delta} 0.005, {@code threshold} 50, {@code alpha}
     * 1 − 1e-4.
     */
    public static PageHinkley defaults() {
        return new PageHinkley(30, 0.005, 50.0, 1.0 - 1e-4);
    }

    @Override
    public String name() {
        return "page_hinkley";
    }

    @Override
    public PageHinkleyDetector newDetector() {
        return new PageHinkleyDetector(this);
    }

    @Override
    public PageHinkleyDetector restore(DriftState state) {
        PageHinkleyDetector d = new PageHinkleyDetector(this);
        d.load(DriftStates.of(this, PageHinkleyState.class, state));
        return d;
    }
}
