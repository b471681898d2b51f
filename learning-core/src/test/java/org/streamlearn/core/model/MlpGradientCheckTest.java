package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.loss.CrossEntropyLoss;
import org.streamlearn.core.loss.LogLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.loss.SquaredLoss;
import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.testing.GradientChecks;

/**
 * Finite-difference gradient check of {@link MlpModel} through {@link Model#forward}/{@link Model#backward}, for
 * every activation, one and two hidden layers, one output (squared loss, log loss) and three (cross-entropy):
 * the backpropagated gradient of every weight and bias equals the central difference of the weighted loss.
 * Also: the forward pass and the parameter layout agree with a naive reference written from the documented
 * layout; {@code accumulate} overwrites or adds; inputs are never mutated; through {@link OnlineLearner}, a plain
 * SGD step with l2 and an intercept rate moves weights by {@code −lr·(g + l2·w)} and biases by {@code −ilr·g}.
 */
class MlpGradientCheckTest {

    private static final double REL = 1e-6;
    /** Keep every ReLU pre-activation this far from its kink, so that the central difference is smooth. */
    private static final double KINK_MARGIN = 1e-3;

    /** One gradient-check situation. */
    record Case(String name, Task task, Loss loss, Activation activation, int[] hidden, int d, int outputs, long seed,
            double weight) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        long seed = 100;
        for (Activation act : Activation.values()) {
            for (int[] hidden : new int[][] {{5}, {4, 3}}) {
                String shape = act.logicalName() + " " + Arrays.toString(hidden);
                out.add(new Case("squared " + shape, Task.REGRESSION, SquaredLoss.INSTANCE, act, hidden, 3, 1,
                        seed++, 1.0));
                out.add(new Case("log " + shape, Task.BINARY, LogLoss.INSTANCE, act, hidden, 3, 1, seed++, 0.7));
                out.add(new Case("cross-entropy K=3 " + shape, Task.MULTICLASS, null, act, hidden, 3, 3, seed++,
                        1.3));
            }
        }
        return out.stream();
    }

    /** Random parameters and input (resampled until no ReLU unit sits at its kink), a label for the task. */
    private static GradientChecks<MlpModel> setup(Case c) {
        Random r = new Random(c.seed());
        MlpModel model = new MlpModel(c.d(), c.hidden(), c.outputs(), c.activation(), Init.XAVIER, c.seed());
        double[] params = new double[model.parameterCount()];
        double[] x = new double[c.d()];
        do {
            for (int i = 0; i < params.length; i++) {
                params[i] = 0.8 * r.nextGaussian();
            }
            for (int j = 0; j < x.length; j++) {
                x[j] = 1.5 * r.nextGaussian();
            }
        } while (c.activation() == Activation.RELU && nearKink(model, params, x));
        double y = switch (c.task()) {
            case REGRESSION -> 2.0 * r.nextGaussian();
            case BINARY -> r.nextBoolean() ? 1.0 : 0.0;
            case MULTICLASS -> r.nextInt(c.outputs());
        };
        return new GradientChecks<>(model, c.task(), c.loss(), c.outputs(), c.weight(), params, x, y);
    }

    /** Whether a ReLU unit is within the margin of its kink, or a hidden layer is all dead (no gradient). */
    private static boolean nearKink(MlpModel m, double[] params, double[] x) {
        List<double[]> zs = Reference.preActivations(m, params, x);
        for (int l = 0; l < zs.size() - 1; l++) {
            boolean alive = false;
            for (double v : zs.get(l)) {
                if (Math.abs(v) < KINK_MARGIN) {
                    return true;
                }
                alive |= v > 0;
            }
            if (!alive) {
                return true;
            }
        }
        return false;
    }

    private static double[] finiteDifferences(GradientChecks<?> st) {
        return st.finiteDifferences(1e-6);
    }

    private static void assertGradient(double[] actual, double[] expected, String what) {
        GradientChecks.assertGradient(actual, expected, what, REL, 1e-8);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardMatchesTheDocumentedLayout(Case c) {
        GradientChecks<MlpModel> st = setup(c);
        double[] s = new double[c.outputs()];
        st.model().forward(st.params(), st.x(), s);
        assertThat(s).containsExactly(Reference.scores(st.model(), st.params(), st.x()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardOverwritingEqualsFiniteDifferences(Case c) {
        GradientChecks<MlpModel> st = setup(c);
        double[] paramsBefore = st.params().clone();
        double[] xBefore = st.x().clone();
        double[] fd = finiteDifferences(st);
        double[] ds = st.dScores();
        double[] dsBefore = ds.clone();
        double[] grad = new double[st.params().length];
        Arrays.fill(grad, 123.0); // garbage that accumulate=false must overwrite
        st.model().backward(st.params(), st.x(), ds, grad, false);
        assertGradient(grad, fd, "accumulate=false");
        assertThat(st.params()).containsExactly(paramsBefore);
        assertThat(st.x()).containsExactly(xBefore);
        assertThat(ds).containsExactly(dsBefore);
        // the gradient is not trivially zero: every layer's weights receive some signal
        MlpModel m = st.model();
        for (int l = 0; l < m.layers(); l++) {
            double sum = 0;
            for (int i = m.weightOffset(l); i < m.weightOffset(l) + m.layerInputs(l) * m.layerOutputs(l); i++) {
                sum += Math.abs(grad[i]);
            }
            assertThat(sum).as("|gradient| of layer %d's weights", l).isGreaterThan(1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardAccumulatingAddsTheFiniteDifferenceGradient(Case c) {
        GradientChecks<MlpModel> st = setup(c);
        st.assertBackwardAccumulates(finiteDifferences(st), c.seed() * 31, REL, 1e-8);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oneSgdStepRegularizesWeightsOnlyAndStepsBiasesAtTheInterceptRate(Case c) {
        double lr = 0.05;
        double ilr = 0.2;
        double l2 = 0.3;
        LearnerConfig.Builder b = LearnerConfig.builder(c.task(), c.d())
                .architecture(new Architecture.Mlp(c.hidden(), c.activation(), Init.XAVIER, c.seed()))
                .optimizer(new Sgd()).learningRate(lr).interceptLearningRate(ilr).l2(l2).standardize(false);
        GradientChecks<MlpModel> st = setup(c);
        OnlineLearner learner = OnlineLearner.create(st.withOutput(b).build());
        double[] fd = finiteDifferences(st);
        double[] moved = st.learnerStep(learner);
        int nw = st.model().weightCount();
        double[] expected = new double[fd.length];
        for (int i = 0; i < fd.length; i++) {
            double rate = i < nw ? lr : ilr;
            moved[i] /= rate;
            expected[i] = i < nw ? fd[i] + l2 * st.params()[i] : fd[i];
        }
        assertGradient(moved, expected, "−Δθ/rate of one SGD step");
    }

    @Test
    void layoutPutsEveryWeightFirstThenEveryBias() {
        MlpModel m = new MlpModel(4, new int[] {3, 2}, 5, Activation.TANH, Init.HE, 1);
        assertThat(m.layers()).isEqualTo(3);
        assertThat(m.weightCount()).isEqualTo(4 * 3 + 3 * 2 + 2 * 5);
        assertThat(m.parameterCount()).isEqualTo(m.weightCount() + 3 + 2 + 5);
        assertThat(new int[] {m.weightOffset(0), m.weightOffset(1), m.weightOffset(2)}).containsExactly(0, 12, 18);
        assertThat(new int[] {m.biasOffset(0), m.biasOffset(1), m.biasOffset(2)}).containsExactly(28, 31, 33);
        assertThat(new int[] {m.layerInputs(0), m.layerInputs(1), m.layerInputs(2)}).containsExactly(4, 3, 2);
        assertThat(new int[] {m.layerOutputs(0), m.layerOutputs(1), m.layerOutputs(2)}).containsExactly(3, 2, 5);
        assertThat(m.inputs()).isEqualTo(4);
        assertThat(m.outputs()).isEqualTo(5);
    }

    @Test
    void reluDerivativeAtZeroIsZeroAndTheActivationsFollowTheirFormulas() {
        assertThat(Activation.RELU.derivative(0.0, 0.0)).isZero();
        assertThat(Activation.RELU.derivative(1e-300, 1e-300)).isEqualTo(1.0);
        assertThat(Activation.RELU.apply(-2.0)).isZero();
        assertThat(Activation.TANH.apply(0.5)).isEqualTo(Math.tanh(0.5));
        assertThat(Activation.TANH.derivative(0.5, Math.tanh(0.5)))
                .isCloseTo(1.0 / (Math.cosh(0.5) * Math.cosh(0.5)), within(1e-15));
        double s = 1.0 / (1.0 + Math.exp(-0.5));
        assertThat(Activation.SIGMOID.apply(0.5)).isEqualTo(s);
        assertThat(Activation.SIGMOID.derivative(0.5, s)).isCloseTo(s * (1 - s), within(1e-16));
        // the vector forms agree with the scalar ones
        double[] z = {-1.5, 0.0, 0.7, 3.0};
        for (Activation act : Activation.values()) {
            double[] a = new double[z.length];
            act.apply(z, a, 0, z.length);
            double[] delta = {1.0, 2.0, -3.0, 0.5};
            act.multiplyByDerivative(z, a, delta, 0, z.length);
            double[] expected = {1.0, 2.0, -3.0, 0.5};
            for (int i = 0; i < z.length; i++) {
                assertThat(a[i]).as("%s(%s)", act, z[i]).isEqualTo(act.apply(z[i]));
                assertThat(delta[i]).isEqualTo(expected[i] * act.derivative(z[i], a[i]));
            }
        }
    }

    /**
     * A naive MLP written from the documentation: layout (weights [out][in] row-major per layer, then biases)
     * and summation order (index order, bias last).
     */
    static final class Reference {

        private Reference() {
        }

        /** Pre-activations of every layer (the last is the scores). */
        static List<double[]> preActivations(MlpModel m, double[] p, double[] x) {
            List<double[]> zs = new ArrayList<>();
            double[] in = x;
            for (int l = 0; l < m.layers(); l++) {
                int nIn = m.layerInputs(l);
                int nOut = m.layerOutputs(l);
                double[] zl = new double[nOut];
                double[] al = new double[nOut];
                for (int i = 0; i < nOut; i++) {
                    double s = 0;
                    for (int j = 0; j < nIn; j++) {
                        s += p[m.weightOffset(l) + i * nIn + j] * in[j];
                    }
                    zl[i] = s + p[m.biasOffset(l) + i];
                    al[i] = m.activation().apply(zl[i]);
                }
                zs.add(zl);
                in = al;
            }
            return zs;
        }

        static double[] scores(MlpModel m, double[] p, double[] x) {
            List<double[]> zs = preActivations(m, p, x);
            return zs.get(zs.size() - 1);
        }
    }
}
