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
    private record Setup(LinearModel model, double[] params, double[] x, double y) {
    }

    private static Setup setup(Case c) {
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
        return new Setup(model, params, x, y);
    }

    private static GradientChecks checks(Case c, Setup st) {
        return new GradientChecks(st.model(), c.task(), c.loss(), c.outputs(), c.weight(), st.x(), st.y());
    }

    private static double[] dScores(Case c, Setup st) {
        return checks(c, st).dScores(st.params());
    }

    private static double[] finiteDifferences(Case c, Setup st) {
        return checks(c, st).finiteDifferences(st.params(), 1e-5);
    }

    private static void assertGradient(double[] actual, double[] expected, String what) {
        GradientChecks.assertGradient(actual, expected, what, REL, 1e-9);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardOverwritingEqualsFiniteDifferences(Case c) {
        Setup st = setup(c);
        double[] paramsBefore = st.params().clone();
        double[] xBefore = st.x().clone();
        double[] grad = new double[st.params().length];
        java.util.Arrays.fill(grad, 123.0); // garbage that accumulate=false must overwrite
        st.model().backward(st.params(), st.x(), dScores(c, st), grad, false);
        assertGradient(grad, finiteDifferences(c, st), "accumulate=false");
        assertThat(st.params()).containsExactly(paramsBefore);
        assertThat(st.x()).containsExactly(xBefore);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardAccumulatingAddsTheFiniteDifferenceGradient(Case c) {
        Setup st = setup(c);
        double[] fd = finiteDifferences(c, st);
        double[] start = new double[fd.length];
        Random r = new Random(c.seed() * 31);
        for (int i = 0; i < start.length; i++) {
            start[i] = r.nextGaussian();
        }
        double[] grad = start.clone();
        st.model().backward(st.params(), st.x(), dScores(c, st), grad, true);
        double[] added = new double[grad.length];
        for (int i = 0; i < grad.length; i++) {
            added[i] = grad[i] - start[i];
        }
        assertGradient(added, fd, "accumulate=true");
        // accumulating twice is twice the gradient
        double[] twice = new double[grad.length];
        st.model().backward(st.params(), st.x(), dScores(c, st), twice, false);
        st.model().backward(st.params(), st.x(), dScores(c, st), twice, true);
        double[] half = new double[twice.length];
        for (int i = 0; i < twice.length; i++) {
            half[i] = twice[i] / 2;
        }
        assertGradient(half, fd, "two events accumulated");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oneSgdStepOfTheLearnerFollowsTheFiniteDifferenceGradient(Case c) {
        LearnerConfig.Builder b = LearnerConfig.builder(c.task(), c.d()).optimizer(new Sgd()).learningRate(0.05)
                .standardize(false);
        if (c.task() == Task.MULTICLASS) {
            b.classes(c.outputs());
        } else {
            b.loss(c.loss());
        }
        OnlineLearner learner = OnlineLearner.create(b.build());
        Setup st = setup(c);
        // move the learner to the setup's parameters (a restored state), then learn the setup's event
        System.arraycopy(st.params(), 0, learner.state().params(), 0, st.params().length);
        double[] fd = finiteDifferences(c, st);
        Outcome o = learner.learn(st.x(), st.y(), c.weight());
        assertThat(o.stepped()).isTrue();
        double[] moved = new double[fd.length];
        for (int i = 0; i < fd.length; i++) {
            moved[i] = (st.params()[i] - learner.state().params()[i]) / 0.05;
        }
        assertGradient(moved, fd, "−Δθ/lr of one SGD step");
    }
}
