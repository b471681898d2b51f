package org.streamlearn.core.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ADWIN's results are part of what a replay must reproduce (a detection resets or promotes a model): every
 * detection index and the final state, bit for bit, on long streams of several shapes, as recorded from the
 * implementation before its cut scan and histogram were made faster (commit f9e730b). A change of arithmetic
 * that moves one detection or one bit of state fails here.
 */
class AdwinGoldenTest {

    /** A fingerprint of the detections (their indices) and of the final state. */
    static long fingerprint(Adwin config, double[] x) {
        AdwinDetector d = config.newDetector();
        long h = 17;
        for (int i = 0; i < x.length; i++) {
            if (d.update(x[i])) {
                h = 31 * h + i;
                h = 31 * h + Double.doubleToLongBits(d.meanBefore());
                h = 31 * h + Double.doubleToLongBits(d.meanAfter());
            }
        }
        return 31 * h + d.state().hashCode();
    }

    static double[] stationaryErrors(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.abs(r.nextGaussian());
        }
        return x;
    }

    static double[] largeAndDrifting(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1e6 + (i / 20_000 % 2) * 3.0 + r.nextGaussian();
        }
        return x;
    }

    /** Constant runs (σ² = 0 within a run) with steps between them. */
    static double[] constantSteps(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1 + i / 15_000;
        }
        return x;
    }

    /** Values near 1e150, whose squares and products overflow. */
    static double[] huge(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1e150 * (1 + (i > n / 2 ? 1 : 0) + r.nextDouble());
        }
        return x;
    }

    @Test
    void thePreFilterNeverRulesOutASignificantCut() {
        SplittableRandom r = new SplittableRandom(11);
        int ruledOut = 0;
        int nearMisses = 0;
        for (int t = 0; t < 2_000_000; t++) {
            long n0 = 5 + r.nextLong(1L << r.nextInt(1, 30));
            long n1 = 5 + r.nextLong(1L << r.nextInt(1, 30));
            double sigma2 = Math.pow(10, r.nextDouble(-12, 12));
            double deltaPrime = Math.log(2 * Math.log(n0 + n1) / 0.002);
            double mu1 = (r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextDouble(-6, 8));
            // a difference of means around the threshold, within ±1e-6 relative for half of the cuts
            double m = 1.0 / (n0 - 4) + 1.0 / (n1 - 4);
            double eps = Math.sqrt(2 * m * sigma2 * deltaPrime) + 2.0 / 3.0 * deltaPrime * m;
            double f = t % 2 == 0 ? 1 + r.nextDouble(-1e-6, 1e-6) : r.nextDouble(0, 3);
            double mu0 = mu1 + (r.nextBoolean() ? f : -f) * eps;
            double u0 = mu0 * n0;
            double u1 = mu1 * n1;
            double k = 2 * sigma2 * deltaPrime * (n0 + n1) * (1 - 1e-6);
            if (AdwinDetector.surelyNot(n0, n1, u0, u1, k)) {
                ruledOut++;
                assertThat(AdwinDetector.significant(n0, n1, u0, u1, sigma2, deltaPrime))
                        .as("n0=%d n1=%d u0=%s u1=%s σ²=%s", n0, n1, u0, u1, sigma2).isFalse();
                if (f > 0.999) {
                    nearMisses++;
                }
            }
        }
        assertThat(ruledOut).as("the pre-filter decides many cuts").isGreaterThan(100_000);
        assertThat(nearMisses).as("and some within a few parts per million of the threshold").isPositive();
    }

    @Test
    void detectionsAndFinalStatesAreThoseRecorded() {
        long[] got = {
            fingerprint(Adwin.defaults(), stationaryErrors(1, 300_000)),
            fingerprint(Adwin.defaults(), DriftStreams.regimes(3, 100_000)),
            fingerprint(Adwin.defaults(), DriftStreams.bernoulliStep(4, 100_000, 50_000, 0.2, 0.3)),
            fingerprint(Adwin.defaults(), largeAndDrifting(5, 200_000)),
            fingerprint(new Adwin(0.05, 1, 2, 10), DriftStreams.regimes(6, 30_000)),
            fingerprint(new Adwin(0.1, 5, 1, 0), DriftStreams.gaussianStep(7, 30_000, 10_000, 0, 0.5, 1)),
            fingerprint(Adwin.defaults(), constantSteps(60_000)),
            fingerprint(Adwin.defaults(), huge(8, 50_000)),
        };
        assertThat(got).containsExactly(-1462057906L, -6252313235589261341L, 3232883938443818211L,
                2447814285433335516L, 8963958170458775449L, -7787690710737831660L, -6598142533145530165L,
                -7857224131400924034L);
    }
}
