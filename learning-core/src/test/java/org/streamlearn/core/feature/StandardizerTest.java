package org.streamlearn.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link Standardizer} (DESIGN.md "Conventions of the maths"): per feature a count, the running mean
 * {@code m' = m + (v − m)/n} and the population variance {@code var += ((v − m)(v − m') − var)/n};
 * {@code z = (v − m)/√var}, exactly 0 when {@code var == 0} (a constant feature, or the first value);
 * {@code learnAndTransform} standardizes with statistics that include the value, {@code transform} with the
 * current ones and without side effects. Checked on a hand-computed example and against a two-pass variance.
 */
class StandardizerTest {

    @Test
    void handExampleWithAConstantFeature() {
        Standardizer s = new Standardizer(3);
        double[] z = new double[3];

        s.learnAndTransform(new double[] {1.0, 3.5, -1.0}, z);
        assertThat(s.count()).containsExactly(1, 1, 1);
        assertThat(s.mean()).containsExactly(1.0, 3.5, -1.0);
        assertThat(s.variance()).containsExactly(0.0, 0.0, 0.0);
        assertThat(z).as("the first value has no spread: z is exactly 0").containsExactly(0.0, 0.0, 0.0);

        s.learnAndTransform(new double[] {2.0, 3.5, 1.0}, z);
        // feature 0: m = 1.5, var = 0.25, z = 0.5/0.5; feature 2: m = 0, var = 1, z = 1
        assertThat(s.mean()).containsExactly(1.5, 3.5, 0.0);
        assertThat(s.variance()).containsExactly(0.25, 0.0, 1.0);
        assertThat(z).containsExactly(1.0, 0.0, 1.0);

        s.learnAndTransform(new double[] {4.0, 3.5, 0.0}, z);
        // feature 0: values 1, 2, 4: mean 7/3, population variance 14/9, z = (4 − 7/3)/√(14/9) = 5/√14
        assertThat(s.count()).containsExactly(3, 3, 3);
        assertThat(s.mean()[0]).isCloseTo(7.0 / 3, within(1e-15));
        assertThat(s.variance()[0]).isCloseTo(14.0 / 9, within(1e-15));
        assertThat(z[0]).isCloseTo(5.0 / Math.sqrt(14.0), within(1e-15));
        // feature 1 is constant: variance exactly 0 and z exactly 0 (no epsilon)
        assertThat(s.mean()[1]).isEqualTo(3.5);
        assertThat(s.variance()[1]).isEqualTo(0.0);
        assertThat(z[1]).isEqualTo(0.0);
        // feature 2: values −1, 1, 0: mean 0, variance 2/3, z = 0
        assertThat(s.mean()[2]).isEqualTo(0.0);
        assertThat(s.variance()[2]).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(z[2]).isEqualTo(0.0);

        // transform: current statistics, no side effect; a constant feature maps to 0 whatever the value
        Standardizer before = s.copy();
        double[] x = {3.0, 100.0, 2.0};
        s.transform(x, z);
        assertThat(z[0]).isCloseTo((3.0 - 7.0 / 3) / Math.sqrt(14.0 / 9), within(1e-15));
        assertThat(z[1]).isEqualTo(0.0);
        assertThat(z[2]).isCloseTo(2.0 / Math.sqrt(2.0 / 3), within(1e-15));
        assertThat(s).isEqualTo(before);
        assertThat(x).containsExactly(3.0, 100.0, 2.0);
    }

    @Test
    void aFreshStandardizerMapsEverythingToZero() {
        double[] z = {9, 9};
        new Standardizer(2).transform(new double[] {5.0, -7.0}, z);
        assertThat(z).containsExactly(0.0, 0.0);
    }

    @Test
    void matchesATwoPassMeanAndPopulationVariance() {
        Random r = new Random(42);
        int n = 5000;
        double[] v = new double[n];
        Standardizer s = new Standardizer(1);
        double[] z = new double[1];
        for (int i = 0; i < n; i++) {
            v[i] = 1000 + 200 * r.nextGaussian();
            s.learnAndTransform(new double[] {v[i]}, z);
        }
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= n;
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
        }
        var /= n; // population variance: divide by n, not n − 1
        assertThat(s.count()[0]).isEqualTo(n);
        assertThat(s.mean()[0]).isCloseTo(mean, within(1e-9 * mean));
        assertThat(s.variance()[0]).isCloseTo(var, within(1e-9 * var));
        assertThat(z[0]).isCloseTo((v[n - 1] - s.mean()[0]) / Math.sqrt(s.variance()[0]), within(1e-15));
    }

    @Test
    void copyIsDeepEqualsIsBitwiseAndClearForgets() {
        Standardizer s = new Standardizer(2);
        double[] z = new double[2];
        s.learnAndTransform(new double[] {1, 2}, z);
        s.learnAndTransform(new double[] {3, 5}, z);
        Standardizer c = s.copy();
        assertThat(c).isEqualTo(s);
        assertThat(c.mean()).isNotSameAs(s.mean());
        c.learnAndTransform(new double[] {0, 0}, z);
        assertThat(c).isNotEqualTo(s);
        assertThat(s.count()).containsExactly(2, 2);
        s.clear();
        assertThat(s).isEqualTo(new Standardizer(2));
        assertThat(s.dimension()).isEqualTo(2);
    }

    @Test
    void savedStatisticsMustHaveOneLength() {
        assertThatThrownBy(() -> new Standardizer(new long[2], new double[2], new double[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scaler");
    }
}
