package org.streamlearn.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract of every loss ({@code loss} package, STYLE.md "Tests"): {@code derivative} is the true
 * {@code ∂L/∂s} of {@code value} (central finite differences, relative tolerance 1e-6) at points chosen in
 * every regime (both sides of Huber's threshold, log-loss scores from −20 to 20, cross-entropy per logit for
 * K = 2..5); the links (sigmoid, softmax, argmax ties to the lowest index); numerical stability at |s| = 800.
 */
class LossContractTest {

    private static final double REL = 1e-6;

    /**
     * Relative tolerance {@link #REL}, plus the rounding error of the central difference itself, which dominates
     * where the derivative is tiny: a few ulps of the magnitudes the loss is computed from ({@code valueScale}:
     * the loss, or the largest logit for log-sum-exp) divided by the step, and a few ulps of the argument
     * ({@code s ± h} and {@code s − y} are rounded) times a curvature of at most 2.
     */
    private static double tolerance(double d, double fd, double valueScale, double argScale, double h) {
        return REL * Math.max(Math.abs(d), Math.abs(fd)) + 8 * Math.ulp(Math.abs(valueScale)) / h
                + 16 * Math.ulp(Math.max(1.0, Math.abs(argScale)));
    }

    /** A scalar loss, a label and a raw score. */
    record Point(Loss loss, double y, double raw) {
        @Override
        public String toString() {
            return loss.name() + (loss instanceof HuberLoss h ? "(δ=" + h.delta() + ")" : "") + " y=" + y + " s="
                    + raw;
        }
    }

    static Stream<Point> scalarPoints() {
        List<Point> out = new ArrayList<>();
        for (double y : new double[] {-3.0, 0.0, 1.5, 42.0}) {
            for (double r : new double[] {-7.25, -1.0, -0.01, 0.3, 2.0, 11.5}) {
                out.add(new Point(SquaredLoss.INSTANCE, y, y + r));
            }
        }
        for (double delta : new double[] {1.0, 2.5}) {
            HuberLoss h = new HuberLoss(delta);
            for (double y : new double[] {-2.0, 0.0, 3.0}) {
                // quadratic regime |r| < δ, and linear regime |r| > δ on both sides, away from the kink
                for (double f : new double[] {-0.9, -0.4, 0.0, 0.25, 0.8, -3.0, -1.2, 1.3, 4.0, 40.0}) {
                    out.add(new Point(h, y, y + f * delta));
                }
            }
        }
        for (double y : new double[] {0.0, 1.0}) {
            for (double s = -20.0; s <= 20.0; s += 2.5) {
                out.add(new Point(LogLoss.INSTANCE, y, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("scalarPoints")
    void derivativeIsTheFiniteDifferenceOfTheValue(Point p) {
        double h = 1e-5 * Math.max(1.0, Math.abs(p.raw()));
        double up = p.loss().value(p.y(), p.raw() + h);
        double fd = (up - p.loss().value(p.y(), p.raw() - h)) / (2 * h);
        double d = p.loss().derivative(p.y(), p.raw());
        assertThat(Double.isFinite(d)).isTrue();
        assertThat(d).as("∂L/∂s vs central difference %s", fd)
                .isCloseTo(fd, within(tolerance(d, fd, up, Math.max(Math.abs(p.raw()), Math.abs(p.y())), h)));
    }

    @ParameterizedTest
    @MethodSource("scalarPoints")
    void valueIsNonNegativeAndZeroAtAPerfectRegressionFit(Point p) {
        assertThat(p.loss().value(p.y(), p.raw())).isGreaterThanOrEqualTo(0.0);
        if (!(p.loss() instanceof LogLoss)) {
            assertThat(p.loss().value(p.y(), p.y())).isZero();
            assertThat(p.loss().derivative(p.y(), p.y())).isZero();
        }
    }

    @Test
    void squaredLossKeepsTheFactorTwo() {
        assertThat(SquaredLoss.INSTANCE.value(1.0, 4.0)).isEqualTo(9.0);
        assertThat(SquaredLoss.INSTANCE.derivative(1.0, 4.0)).isEqualTo(6.0);
        assertThat(SquaredLoss.INSTANCE.link(4.0)).isEqualTo(4.0);
    }

    @Test
    void huberLossFormulasInBothRegimes() {
        HuberLoss h = new HuberLoss(2.5);
        assertThat(h.value(1.0, 2.0)).isEqualTo(0.5);              // r = 1 <= δ: r²/2
        assertThat(h.derivative(1.0, 2.0)).isEqualTo(1.0);         // r
        assertThat(h.value(1.0, 5.0)).isEqualTo(2.5 * (4.0 - 1.25)); // r = 4 > δ: δ(|r| − δ/2)
        assertThat(h.derivative(1.0, 5.0)).isEqualTo(2.5);         // +δ
        assertThat(h.derivative(1.0, -9.0)).isEqualTo(-2.5);       // −δ
        // continuous at the threshold
        assertThat(h.value(0.0, 2.5)).isEqualTo(2.5 * 2.5 / 2);
        assertThat(h.derivative(0.0, 2.5)).isEqualTo(2.5);
        assertThat(new HuberLoss(1.0).value(0.0, -3.0)).isEqualTo(2.5);
        assertThat(h.link(-3.0)).isEqualTo(-3.0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
    void huberRejectsAnInvalidDelta(double delta) {
        assertThatThrownBy(() -> new HuberLoss(delta)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("huberDelta");
    }

    @Test
    void logLossValueMatchesTheDefinition() {
        for (double s = -20.0; s <= 20.0; s += 0.5) {
            assertThat(LogLoss.INSTANCE.value(1.0, s)).isCloseTo(Math.log1p(Math.exp(-s)), within(1e-13));
            assertThat(LogLoss.INSTANCE.value(0.0, s)).isCloseTo(Math.log1p(Math.exp(s)), within(1e-13));
            assertThat(LogLoss.INSTANCE.derivative(1.0, s)).isEqualTo(LogLoss.sigmoid(s) - 1.0);
        }
    }

    @Test
    void sigmoidLink() {
        assertThat(LogLoss.sigmoid(0.0)).isEqualTo(0.5);
        assertThat(LogLoss.INSTANCE.link(0.0)).isEqualTo(0.5);
        for (double s = -30.0; s <= 30.0; s += 0.75) {
            double p = LogLoss.INSTANCE.link(s);
            assertThat(p).isEqualTo(LogLoss.sigmoid(s)).isBetween(0.0, 1.0);
            assertThat(p + LogLoss.sigmoid(-s)).isCloseTo(1.0, within(1e-15));
            assertThat(p).isCloseTo(1.0 / (1.0 + Math.exp(-s)), within(1e-16));
        }
        assertThat(LogLoss.sigmoid(2.0)).isGreaterThan(LogLoss.sigmoid(1.0));
    }

    @ParameterizedTest
    @ValueSource(doubles = {800.0, -800.0, 745.0, -745.0, 1e6, -1e6})
    void logLossIsStableForHugeScores(double s) {
        for (double y : new double[] {0.0, 1.0}) {
            double v = LogLoss.INSTANCE.value(y, s);
            double d = LogLoss.INSTANCE.derivative(y, s);
            assertThat(Double.isFinite(v)).as("value(%s, %s) = %s", y, s, v).isTrue();
            assertThat(Double.isFinite(d)).as("derivative(%s, %s) = %s", y, s, d).isTrue();
            boolean wrong = (y == 1.0) == (s < 0);
            // a confident wrong score costs |s|; a confident right one costs ~0
            assertThat(v).isCloseTo(wrong ? Math.abs(s) : 0.0, within(1e-12));
            assertThat(Math.abs(d)).isCloseTo(wrong ? 1.0 : 0.0, within(1e-12));
        }
        assertThat(LogLoss.sigmoid(s)).isBetween(0.0, 1.0);
        assertThat(LogLoss.softplus(s)).isCloseTo(Math.max(s, 0.0), within(1e-12));
    }

    /** A cross-entropy point: label, logits. */
    record Logits(int y, double[] raw) {
        @Override
        public String toString() {
            return "K=" + raw.length + " y=" + y + " s=" + java.util.Arrays.toString(raw);
        }
    }

    static Stream<Logits> logits() {
        Random r = new Random(7);
        List<Logits> out = new ArrayList<>();
        for (int k = 2; k <= 5; k++) {
            for (int rep = 0; rep < 4; rep++) {
                double[] s = new double[k];
                for (int j = 0; j < k; j++) {
                    s[j] = (rep == 3 ? 15.0 : 3.0) * (2 * r.nextDouble() - 1);
                }
                out.add(new Logits(rep % k, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("logits")
    void crossEntropyDerivativeIsTheFiniteDifferenceOfTheValuePerLogit(Logits p) {
        CrossEntropyLoss ce = CrossEntropyLoss.INSTANCE;
        int k = p.raw().length;
        double[] raw = p.raw().clone();
        double[] d = new double[k];
        ce.derivative(p.y(), raw, k, 1.0, d);
        assertThat(raw).as("derivative must not touch the logits").containsExactly(p.raw());
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double h = 1e-5 * Math.max(1.0, Math.abs(raw[j]));
            double[] plus = raw.clone();
            plus[j] += h;
            double[] minus = raw.clone();
            minus[j] -= h;
            double up = ce.value(p.y(), plus, k);
            double fd = (up - ce.value(p.y(), minus, k)) / (2 * h);
            double scale = Math.max(Math.abs(up), maxAbs(raw));
            assertThat(d[j]).as("∂L/∂s_%d", j).isCloseTo(fd, within(tolerance(d[j], fd, scale, raw[j], h)));
            sum += d[j];
        }
        assertThat(sum).as("the derivatives sum to 0").isCloseTo(0.0, within(1e-14));

        double[] weighted = new double[k];
        ce.derivative(p.y(), raw, k, 2.5, weighted);
        for (int j = 0; j < k; j++) {
            assertThat(weighted[j]).isCloseTo(2.5 * d[j], within(1e-15));
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @ParameterizedTest
    @MethodSource("logits")
    void crossEntropyValueIsLogSumExpMinusTheTrueLogit(Logits p) {
        int k = p.raw().length;
        double sum = 0;
        for (double s : p.raw()) {
            sum += Math.exp(s);
        }
        assertThat(CrossEntropyLoss.INSTANCE.value(p.y(), p.raw(), k))
                .isCloseTo(Math.log(sum) - p.raw()[p.y()], within(1e-12));
        assertThat(CrossEntropyLoss.logSumExp(p.raw(), k)).isCloseTo(Math.log(sum), within(1e-12));
    }

    @ParameterizedTest
    @MethodSource("logits")
    void softmaxIsADistributionInvariantToShifts(Logits p) {
        int k = p.raw().length;
        double[] probs = new double[k];
        CrossEntropyLoss.INSTANCE.link(p.raw(), k, probs);
        double sum = 0;
        for (double q : probs) {
            assertThat(q).isBetween(0.0, 1.0);
            sum += q;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-15));
        double[] shifted = p.raw().clone();
        for (int j = 0; j < k; j++) {
            shifted[j] += 700.0;
        }
        double[] probs2 = new double[k];
        CrossEntropyLoss.INSTANCE.link(shifted, k, probs2);
        for (int j = 0; j < k; j++) {
            assertThat(probs2[j]).isCloseTo(probs[j], within(1e-12));
        }
        // the most likely class is the argmax of the scores
        int best = CrossEntropyLoss.argmax(p.raw(), k);
        for (int j = 0; j < k; j++) {
            assertThat(probs[best]).isGreaterThanOrEqualTo(probs[j]);
        }
    }

    @Test
    void softmaxInPlaceAndStableForHugeLogits() {
        double[] s = {800.0, -800.0, 799.0};
        CrossEntropyLoss.INSTANCE.link(s, 3, s);
        assertThat(s[0] + s[1] + s[2]).isCloseTo(1.0, within(1e-15));
        assertThat(s[1]).isZero();
        assertThat(s[0] / s[2]).isCloseTo(Math.E, within(1e-12));
        double v = CrossEntropyLoss.INSTANCE.value(1, new double[] {800.0, -800.0, 799.0}, 3);
        assertThat(v).isCloseTo(1600.0 + Math.log1p(Math.exp(-1.0)), within(1e-9));
    }

    @Test
    void softmaxOfEqualScoresIsUniform() {
        double[] probs = new double[3];
        CrossEntropyLoss.INSTANCE.link(new double[] {0.0, 0.0, 0.0}, 3, probs);
        assertThat(probs).containsExactly(1.0 / 3, 1.0 / 3, 1.0 / 3);
    }

    static Stream<Arguments> ties() {
        return Stream.of(
                Arguments.of(Named.of("all zero", new double[] {0.0, 0.0, 0.0}), 0),
                Arguments.of(Named.of("tie at the top after the first", new double[] {1.0, 3.0, 3.0, 2.0}), 1),
                Arguments.of(Named.of("tie first and last", new double[] {5.0, -1.0, 5.0}), 0),
                Arguments.of(Named.of("unique max last", new double[] {-2.0, -1.0, -0.5}), 2),
                Arguments.of(Named.of("negative zero ties zero", new double[] {-0.0, 0.0}), 0));
    }

    @ParameterizedTest
    @MethodSource("ties")
    void argmaxTiesGoToTheLowestIndex(double[] scores, int expected) {
        assertThat(CrossEntropyLoss.argmax(scores, scores.length)).isEqualTo(expected);
    }

    @Test
    void argmaxOnlyLooksAtTheFirstKScores() {
        assertThat(CrossEntropyLoss.argmax(new double[] {1.0, 2.0, 99.0}, 2)).isEqualTo(1);
    }

    @Test
    void logicalNames() {
        assertThat(SquaredLoss.INSTANCE.name()).isEqualTo("squared");
        assertThat(new HuberLoss(1.0).name()).isEqualTo("huber");
        assertThat(LogLoss.INSTANCE.name()).isEqualTo("log");
        assertThat(CrossEntropyLoss.INSTANCE.name()).isEqualTo("cross_entropy");
    }
}
