package org.streamlearn.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Page-Hinkley against DESIGN.md's definition: a short sequence computed by hand, the {@code minInstances} gate,
 * the reset rule, and behaviour with bounds derived from the definition.
 */
class DriftPageHinkleyTest {

    /**
     * {@code minInstances} 3, {@code delta} 0.1, {@code threshold} 1, {@code alpha} 0.5 on 0, 0, 1, 2, 3, 3:
     * <pre>
     *   x=0: n=1 mean=0                 sum=max(0, 0 − 0.1) = 0                      n→2
     *   x=0: n=2 mean=0                 sum=max(0, 0 − 0.1) = 0                      n→3 (3 ≥ 3, 0 < 1)
     *   x=1: n=3 mean=1/3               sum=1 − 1/3 − 0.1 = 17/30                    n→4 (17/30 < 1)
     *   x=2: n=4 mean=1/3+(5/3)/4=3/4   sum=0.5·17/30 + (2 − 3/4 − 0.1) = 43/30 ≥ 1  drift; start afresh
     *   x=3: n=1 mean=3                 sum=0                                        n→2
     *   x=3: n=2 mean=3                 sum=0                                        n→3
     * </pre>
     */
    @Test
    void aShortSequenceComputedByHand() {
        PageHinkleyDetector d = new PageHinkley(3, 0.1, 1.0, 0.5).newDetector();
        double[] x = {0, 0, 1, 2, 3, 3};
        boolean[] drift = {false, false, false, true, false, false};
        double[] mean = {0, 0, 1.0 / 3, 0, 3, 3};
        double[] sum = {0, 0, 17.0 / 30, 0, 0, 0};
        long[] n = {2, 3, 4, 1, 2, 3};
        for (int i = 0; i < x.length; i++) {
            assertThat(d.update(x[i])).as("drift at value %d", i + 1).isEqualTo(drift[i]);
            PageHinkleyState s = d.state();
            assertThat(s.n()).as("n after value %d", i + 1).isEqualTo(n[i]);
            assertThat(s.mean()).as("mean after value %d", i + 1).isCloseTo(mean[i], within(1e-15));
            assertThat(s.sum()).as("sum after value %d", i + 1).isCloseTo(sum[i], within(1e-15));
        }
        assertThat(d.seen()).isEqualTo(6);
        assertThat(d.detections()).isEqualTo(1);
    }

    @Test
    void theStatisticAtTheDetectionIsTheHandComputedOne() {
        PageHinkleyDetector d = new PageHinkley(3, 0.1, 50.0, 0.5).newDetector(); // a threshold it cannot reach
        for (double x : new double[] {0, 0, 1, 2}) {
            d.update(x);
        }
        assertThat(d.statistic()).isCloseTo(43.0 / 30, within(1e-15));
        assertThat(d.mean()).isCloseTo(0.75, within(1e-15));
    }

    /**
     * {@code n} is tested after its increment: with {@code minInstances} 3, a jump at the 2nd value is detected
     * there ({@code n} = 3); with 4 it is not, and the 3rd value (sum = 0.5·2.4 + (5 − 10/3 − 0.1)) is.
     */
    @Test
    void minInstancesGatesTheDetectionWithNAfterItsIncrement() {
        PageHinkleyDetector three = new PageHinkley(3, 0.1, 1.0, 0.5).newDetector();
        assertThat(three.update(0)).isFalse();
        assertThat(three.update(5)).isTrue(); // mean 2.5, sum 2.4
        PageHinkleyDetector four = new PageHinkley(4, 0.1, 1.0, 0.5).newDetector();
        assertThat(four.update(0)).isFalse();
        assertThat(four.update(5)).isFalse();
        assertThat(four.statistic()).isCloseTo(2.4, within(1e-15));
        assertThat(four.update(5)).isTrue();
    }

    /** Exactly at the threshold counts ({@code sum ≥ threshold}): 0 then 2 with delta 0 gives sum 2 − 1 = 1. */
    @Test
    void aSumEqualToTheThresholdIsADrift() {
        PageHinkleyDetector d = new PageHinkley(1, 0.0, 1.0, 1.0).newDetector();
        assertThat(d.update(0)).isFalse();
        assertThat(d.update(2)).isTrue();
    }

    @Test
    void aConstantStreamNeverAlarms() {
        for (double c : new double[] {0.0, 0.3, 1.0, 123.456}) {
            PageHinkleyDetector d = PageHinkley.defaults().newDetector();
            for (int i = 0; i < 100_000; i++) {
                assertThat(d.update(c)).isFalse();
            }
            assertThat(d.statistic()).isZero();
        }
    }

    @Test
    void afterADetectionItStartsAfreshWithTheNextValue() {
        double[] x = DriftStreams.bernoulliStep(3, 3000, 1000, 0.2, 0.8);
        PageHinkleyDetector d = PageHinkley.defaults().newDetector();
        int at = -1;
        for (int i = 0; i < x.length && at < 0; i++) {
            if (d.update(x[i])) {
                at = i;
            }
        }
        assertThat(at).isGreaterThan(1000);
        assertThat(d.state()).isEqualTo(new PageHinkleyState(at + 1, 1, 1, 0.0, 0.0));
        assertThat(d.meanBefore()).isNaN();
        assertThat(d.meanAfter()).isNaN();
        PageHinkleyDetector fresh = PageHinkley.defaults().newDetector();
        for (int i = at + 1; i < x.length; i++) {
            assertThat(d.update(x[i])).isEqualTo(fresh.update(x[i]));
            assertThat(d.statistic()).isEqualTo(fresh.statistic());
        }
    }

    /**
     * Bernoulli(0.2), 100 000 values, 5 seeds: the statistic is a random walk with steps of sd 0.4 and drift
     * −delta, so an excursion reaches 50 with probability about exp(−2·0.005·50/0.16) ≈ 0.04; measured 0 to 1
     * false alarms per seed. Bound: at most 2 per seed, at most 4 in all.
     */
    @Test
    void fewFalseAlarmsOnAStationaryBernoulliStream() {
        int all = 0;
        for (long seed = 1; seed <= 5; seed++) {
            int alarms = DriftStreams.detections(PageHinkley.defaults().newDetector(),
                    DriftStreams.bernoulli(seed, 100_000, 0.2), 0, 100_000).size();
            assertThat(alarms).as("seed %d", seed).isLessThanOrEqualTo(2);
            all += alarms;
        }
        assertThat(all).isLessThanOrEqualTo(4);
    }

    /**
     * A step of the mean by Δ after c = 1000 values: k values later the running mean is (c·m0 + k·m1)/(c + k),
     * so the expected statistic is about Σ (Δ·c/(c + j) − delta) ≈ Δ·c·ln(1 + k/c) − delta·k. It reaches 50 at
     * k ≈ 88 for Bernoulli 0.2 → 0.8 (Δ = 0.6) and k ≈ 52 for N(0, 0.5²) → N(1, 0.5²) (Δ = 1); with the noise
     * (sd of the sum ≈ 0.4·√88 ≈ 4 and 0.5·√52 ≈ 4) the bounds are 130 and 80 (measured over 500 seeds: at
     * most 105 and 62). Never before the change.
     */
    @Test
    void detectsAnAbruptChangeWithinTheDerivedDelay() {
        for (long seed = 1; seed <= 20; seed++) {
            assertDetectedWithin(DriftStreams.bernoulliStep(seed, 3000, 1000, 0.2, 0.8), 130);
            assertDetectedWithin(DriftStreams.gaussianStep(seed, 3000, 1000, 0.0, 1.0, 0.5), 80);
        }
    }

    private static void assertDetectedWithin(double[] x, int bound) {
        List<Integer> at = DriftStreams.detections(PageHinkley.defaults().newDetector(), x, 0, x.length);
        assertThat(at).isNotEmpty();
        assertThat(at.get(0)).isBetween(1000, 1000 + bound);
    }
}
