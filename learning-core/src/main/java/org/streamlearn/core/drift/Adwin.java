package org.streamlearn.core.drift;

import org.streamlearn.core.Checks;

/**
 * ADWIN, adaptive windowing (Bifet and Gavaldà 2007, "Learning from Time-Changing Data with Adaptive Windowing",
 * SIAM SDM; the ADWIN2 variant with an exponential histogram, as in MOA and River's {@code drift.ADWIN}), as
 * DESIGN.md "Drift detection" states it:
 *
 * <ul>
 *   <li>The window is an exponential histogram: row {@code r} holds buckets of {@code 2^r} values (their total
 *       and the sum of squared deviations from their mean), at most {@code maxBuckets} per row; when a row holds
 *       {@code maxBuckets + 1}, its two oldest buckets merge into one bucket of the next row.</li>
 *   <li>Every {@code clock} values (counted from the detector's start), once the window holds more than
 *       {@code gracePeriod} values, the cuts between buckets are scanned from the oldest bucket to the newest.
 *       A cut into the older part W0 ({@code n0} values, mean {@code μ0}) and the newer W1 ({@code n1},
 *       {@code μ1}) is significant when {@code n0 ≥ 5}, {@code n1 ≥ 5} and
 *       {@code |μ0 − μ1| > sqrt(2·m·σ²·δ') + (2/3)·δ'·m}, with {@code δ' = ln(2·ln(n)/delta)},
 *       {@code m = 1/(n0 − 4) + 1/(n1 − 4)}, {@code n} the window size and {@code σ²} the window's population
 *       variance. While a cut is significant, the oldest bucket is dropped and the scan restarts.</li>
 *   <li>A drift is detected when at least one bucket was dropped at that check; the detector then starts afresh
 *       with the next value (an empty window, the clock restarted).</li>
 * </ul>
 *
 * @param delta       confidence of the cut test (default 0.002), in {@code (0, 1]}
 * @param clock       values between two checks (default 32), {@code >= 1}
 * @param maxBuckets  buckets per row of the histogram (default 5), {@code >= 1}
 * @param gracePeriod the window must hold more than this many values to be checked (default 10), {@code >= 0}
 */
public record Adwin(double delta, int clock, int maxBuckets, int gracePeriod) implements DriftConfig {

    /** Size of the smallest sub-window a cut may leave: {@code n0, n1 ≥ 5}, and {@code m}'s {@code n − 4}. */
    static final int MIN_SUB_WINDOW = 5;

    /** Validates the parameters. */
    public Adwin {
        Checks.openClosedUnit("drift.delta", delta);
        Checks.atLeast("drift.clock", clock, 1);
        Checks.atLeast("drift.maxBuckets", maxBuckets, 1);
        Checks.atLeast("drift.gracePeriod", gracePeriod, 0);
    }

    /** DESIGN.md's defaults: {@code delta} 0.002, {@code clock} 32, {@code maxBuckets} 5, {@code gracePeriod} 10. */
    public static Adwin defaults() {
        return new Adwin(0.002, 32, 5, 10);
    }

    @Override
    public String name() {
        return "adwin";
    }

    @Override
    public AdwinDetector newDetector() {
        return new AdwinDetector(this);
    }

    @Override
    public AdwinDetector restore(DriftState state) {
        AdwinDetector d = new AdwinDetector(this);
        d.load(DriftStates.of(this, AdwinState.class, state));
        return d;
    }
}
