package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.loss.CrossEntropyLoss;
import org.streamlearn.core.loss.HuberLoss;
import org.streamlearn.core.loss.LogLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.loss.SquaredLoss;
import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.testing.GradientChecks;

/**
 * Finite-difference gradient check of every model (STYLE.md "Tests"): {@link LinearModel#backward}, fed with
 * the loss derivative at the scores of {@link LinearModel#forward}, equals the central difference of the
 * (weighted) loss through {@code forward} for every parameter, with {@code accumulate} false (overwrites) and
 * true (adds to what is there); for regression (squared, Huber in both regimes), binary log loss and
 * multiclass cross-entropy. Also through {@link OnlineLearner}: one plain-SGD step moves the parameters by
 * {@code −lr} times that gradient (the event weight included).
 */
class GradientCheckTest {

    private static final double REL = 1e-6;

    /** One gradient-check situation. */
    record Case(String name, Task task, Loss loss, int d, int outputs, long seed, double residual, double weight) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (int d : new int[] {1, 4}) {
            out.add(new Case("squared d=" + d, Task.REGRESSION, SquaredLoss.INSTANCE, d, 1, 11 + d, 1.7, 1.0));
            out.add(new Case("squared weighted d=" + d, Task.REGRESSION, SquaredLoss.INSTANCE, d, 1, 12 + d, -0.4,
                    2.5));
            for (double delta : new double[] {1.0, 2.5}) {
                out.add(new Case("huber δ=" + delta + " quadratic d=" + d, Task.REGRESSION, new HuberLoss(delta), d,
                        1, 13 + d, 0.5 * delta, 1.0));
                out.add(new Case("huber δ=" + delta + " linear+ d=" + d, Task.REGRESSION, new HuberLoss(delta), d, 1,
                        14 + d, 3.0 * delta, 0.7));
                out.add(new Case("huber δ=" + delta + " linear− d=" + d, Task.REGRESSION, new HuberLoss(delta), d, 1,
                        15 + d, -2.0 * delta, 1.0));
            }
            out.add(new Case("log y=0 d=" + d, Task.BINARY, LogLoss.INSTANCE, d, 1, 16 + d, 0.0, 1.0));
            out.add(new Case("log y=1 weighted d=" + d, Task.BINARY, LogLoss.INSTANCE, d, 1, 17 + d, 1.0, 0.3));
            for (int y = 0; y < 3; y++) {
                out.add(new Case("cross-entropy K=3 y=" + y + " d=" + d, Task.MULTICLASS, null, d, 3, 18 + d + y, y,
                        y == 1 ? 1.9 : 1.0));
            }
        }
        return out.stream();
    }

    /** Random parameters and input for a case; the label comes from {@link Case#residual}. */
    private static GradientChecks<LinearModel> setup(Case c) {
        Random r = new Random(c.seed());
        LinearModel model = new LinearModel(c.d(), c.outputs());
        double[] params = new double[model.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = r.nextGaussian();
        }
        double[] x = new double[c.d()];
        for (int j = 0; j < x.length; j++) {
            x[j] = 2 * r.nextGaussian();
        }
        double y;
        if (c.task() == Task.REGRESSION) {
            double[] s = new double[1];
            model.forward(params, x, s);
            y = s[0] - c.residual(); // residual r = s − y, to place Huber in the intended regime
        } else {
            y = c.residual();
        }
        return new GradientChecks<>(model, c.task(), c.loss(), c.outputs(), c.weight(), params, x, y);
    }

    private static double[] finiteDifferences(GradientChecks<?> st) {
        return st.finiteDifferences(1e-5);
    }

    private static void assertGradient(double[] actual, double[] expected, String what) {
        GradientChecks.assertGradient(actual, expected, what, REL, 1e-9);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardOverwritingEqualsFiniteDifferences(Case c) {
        GradientChecks<LinearModel> st = setup(c);
        double[] paramsBefore = st.params().clone();
        double[] xBefore = st.x().clone();
        double[] grad = new double[st.params().length];
        java.util.Arrays.fill(grad, 123.0); // garbage that accumulate=false must overwrite
        st.model().backward(st.params(), st.x(), st.dScores(), grad, false);
        assertGradient(grad, finiteDifferences(st), "accumulate=false");
        assertThat(st.params()).containsExactly(paramsBefore);
        assertThat(st.x()).containsExactly(xBefore);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardAccumulatingAddsTheFiniteDifferenceGradient(Case c) {
        GradientChecks<LinearModel> st = setup(c);
        st.assertBackwardAccumulates(finiteDifferences(st), c.seed() * 31, REL, 1e-9);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oneSgdStepOfTheLearnerFollowsTheFiniteDifferenceGradient(Case c) {
        LearnerConfig.Builder b = LearnerConfig.builder(c.task(), c.d()).optimizer(new Sgd()).learningRate(0.05)
                .standardize(false);
        GradientChecks<LinearModel> st = setup(c);
        OnlineLearner learner = OnlineLearner.create(st.withOutput(b).build());
        double[] fd = finiteDifferences(st);
        double[] moved = st.learnerStep(learner);
        for (int i = 0; i < fd.length; i++) {
            moved[i] /= 0.05;
        }
        assertGradient(moved, fd, "−Δθ/lr of one SGD step");
    }
}
