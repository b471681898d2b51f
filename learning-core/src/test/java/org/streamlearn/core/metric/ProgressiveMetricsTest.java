package org.streamlearn.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Contract of {@link ProgressiveMetrics} (shared/reference/README.md "Metrics"): {@code mse}, {@code mae},
 * mean log loss and accuracy as sums over the count; precision, recall and F1 of the positive class 1, each 0
 * when undefined (no predicted positive, no actual positive, both zero); NaN means when empty; copy/equals.
 */
class ProgressiveMetricsTest {

    /** Metrics after binary events, each {@code {label, predicted, log loss}}. */
    private static ProgressiveMetrics binary(double[]... events) {
        ProgressiveMetrics m = new ProgressiveMetrics();
        for (double[] e : events) {
            m.addBinary((int) e[0], (int) e[1], e[2]);
        }
        return m;
    }

    @Test
    void regressionMeans() {
        ProgressiveMetrics m = new ProgressiveMetrics();
        m.addRegression(1.0, 3.0);   // error 2
        m.addRegression(0.0, -1.0);  // error −1
        m.addRegression(3.0, 3.0);   // error 0
        assertThat(m.count()).isEqualTo(3);
        assertThat(m.mse()).isEqualTo(5.0 / 3);
        assertThat(m.mae()).isEqualTo(1.0);
        assertThat(m.sumSquaredError()).isEqualTo(5.0);
        assertThat(m.sumAbsoluteError()).isEqualTo(3.0);
    }

    @Test
    void binaryPrecisionRecallF1() {
        ProgressiveMetrics m = new ProgressiveMetrics();
        m.addBinary(1, 1, 0.1); // TP
        m.addBinary(1, 0, 0.9); // FN
        m.addBinary(0, 1, 0.8); // FP
        m.addBinary(0, 0, 0.2); // TN
        m.addBinary(1, 1, 0.5); // TP
        assertThat(m.truePositives()).isEqualTo(2);
        assertThat(m.falsePositives()).isEqualTo(1);
        assertThat(m.falseNegatives()).isEqualTo(1);
        assertThat(m.correct()).isEqualTo(3);
        assertThat(m.accuracy()).isEqualTo(0.6);
        assertThat(m.precision()).isEqualTo(2.0 / 3);
        assertThat(m.recall()).isEqualTo(2.0 / 3);
        assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(m.logLoss()).isCloseTo(2.5 / 5, within(1e-15));
    }

    @Test
    void asymmetricPrecisionAndRecall() {
        ProgressiveMetrics m = binary(new double[] {1, 1, 0}, new double[] {0, 1, 0}, new double[] {0, 1, 0},
                new double[] {0, 1, 0});
        assertThat(m.precision()).isEqualTo(0.25);
        assertThat(m.recall()).isEqualTo(1.0);
        assertThat(m.f1()).isCloseTo(0.4, within(1e-15));
    }

    @Test
    void undefinedRatesAreZero() {
        ProgressiveMetrics noPredictedPositive = binary(new double[] {1, 0, 0.7}, new double[] {0, 0, 0.1});
        assertThat(noPredictedPositive.precision()).isZero(); // 0/0
        assertThat(noPredictedPositive.recall()).isZero();    // 0/1
        assertThat(noPredictedPositive.f1()).isZero();

        ProgressiveMetrics noPositiveAtAll = binary(new double[] {0, 0, 0.1}, new double[] {0, 0, 0.1});
        assertThat(noPositiveAtAll.precision()).isZero();
        assertThat(noPositiveAtAll.recall()).isZero();
        assertThat(noPositiveAtAll.f1()).isZero();
        assertThat(noPositiveAtAll.accuracy()).isEqualTo(1.0);

        ProgressiveMetrics allWrong = binary(new double[] {0, 1, 1.0}, new double[] {1, 0, 1.0});
        assertThat(allWrong.precision()).isZero();
        assertThat(allWrong.recall()).isZero();
        assertThat(allWrong.f1()).as("p + r = 0").isZero();
        assertThat(allWrong.accuracy()).isZero();
    }

    @Test
    void emptyMeansAreNaN() {
        ProgressiveMetrics m = new ProgressiveMetrics();
        assertThat(m.mse()).isNaN();
        assertThat(m.mae()).isNaN();
        assertThat(m.logLoss()).isNaN();
        assertThat(m.accuracy()).isNaN();
        assertThat(m.precision()).isZero();
        assertThat(m.f1()).isZero();
    }

    @Test
    void multiclassCountsCorrectOnly() {
        ProgressiveMetrics m = new ProgressiveMetrics();
        m.addMulticlass(2, 2, 0.3);
        m.addMulticlass(1, 0, 1.2);
        m.addMulticlass(0, 0, 0.6);
        assertThat(m.correct()).isEqualTo(2);
        assertThat(m.accuracy()).isEqualTo(2.0 / 3);
        assertThat(m.logLoss()).isCloseTo(0.7, within(1e-15));
        assertThat(m.truePositives() + m.falsePositives() + m.falseNegatives()).isZero();
    }

    @Test
    void copyAndEquals() {
        ProgressiveMetrics m = new ProgressiveMetrics();
        m.addBinary(1, 1, 0.2);
        m.addBinary(0, 1, 0.9);
        ProgressiveMetrics c = m.copy();
        assertThat(c).isEqualTo(m);
        c.addBinary(1, 0, 0.3);
        assertThat(c).isNotEqualTo(m);
        assertThat(m.count()).isEqualTo(2);
        ProgressiveMetrics restored = new ProgressiveMetrics(m.count(), m.sumSquaredError(), m.sumAbsoluteError(),
                m.sumLogLoss(), m.correct(), m.truePositives(), m.falsePositives(), m.falseNegatives());
        assertThat(restored).isEqualTo(m);
    }
}
