package org.streamlearn.core.drift;

/**
 * A drift detector's configuration: an immutable, validated record ({@link PageHinkley}, {@link Adwin}). What a
 * detector has learned lives in its {@link DriftState}; the config makes fresh detectors and restores saved ones.
 */
public sealed interface DriftConfig permits PageHinkley, Adwin {

    /** Logical name as in a spec ({@code "page_hinkley"}, {@code "adwin"}). */
    String name();

    /** A fresh detector: nothing seen, no detection. */
    DriftDetector newDetector();

    /**
     * A detector that continues exactly where the one whose {@link DriftDetector#state()} gave {@code state}
     * stopped (bit for bit). The state is not modified and not retained.
     *
     * @throws IllegalArgumentException if the state is of another detector or does not fit this configuration
     */
    DriftDetector restore(DriftState state);
}
