package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.streamlearn.core.optim.AdaGrad;
import org.streamlearn.core.optim.Ftrl;
import org.streamlearn.core.optim.Momentum;
import org.streamlearn.core.optim.Nesterov;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.OptimizerState;
import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.testing.Synthetic;
import org.streamlearn.core.testing.Synthetic.Event;

/**
 * Divergence guard contract of {@link OnlineLearner}: on an exploding configuration (raw features ~1e8,
 * squared loss, rate 10, no standardization) no parameter or optimizer slot ever becomes non-finite, for every
 * optimizer, per sample and in mini-batches; a refused step leaves the parameters and slots bitwise as they
 * were, is reported by {@link Outcome#refused()} / {@link Outcome#refusal()} and counted by
 * {@link LearnerState#refused()}; {@code clipNorm} contains the same stream without any refusal; AdaGrad's sum
 * of squares never overflows into the state.
 */
class DivergenceGuardTest {

    private static final int D = 3;

    /** Raw features ~ N(0, (1e8)²), {@code y = x·β + 1 + N(0, 1)}. */
    private static List<Event> exploding(long seed, int n, double scale) {
        Random r = new Random(seed);
        double[] beta = {0.5, -1.0, 2.0};
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[D];
            double y = 1.0 + r.nextGaussian();
            for (int j = 0; j < D; j++) {
                x[j] = scale * r.nextGaussian();
                y += beta[j] * x[j];
            }
            out.add(new Event(x, y));
        }
        return out;
    }

    static Stream<Arguments> explodingConfigs() {
        List<Arguments> out = new ArrayList<>();
        List<Optimizer> optimizers = new ArrayList<>(Synthetic.optimizers());
        optimizers.replaceAll(o -> o instanceof Ftrl ? new Ftrl(10.0, 1.0, 0.0, 0.0) : o);
        for (Optimizer o : optimizers) {
            for (int batch : new int[] {1, 4}) {
                for (double ilr : new double[] {Double.NaN, 5.0}) {
                    LearnerConfig c = LearnerConfig.builder(Task.REGRESSION, D).optimizer(o).learningRate(10.0)
                            .standardize(false).batchSize(batch).interceptLearningRate(ilr).build();
                    out.add(Arguments.of(Named.of(o.name() + " batch" + batch + (Double.isNaN(ilr) ? "" : " ilr"),
                            c)));
                }
            }
        }
        return out.stream();
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @ParameterizedTest
    @MethodSource("explodingConfigs")
    void explodingStreamNeverLeavesANonFiniteParameterOrSlot(LearnerConfig config) {
        OnlineLearner learner = OnlineLearner.create(config);
        LearnerState s = learner.state();
        long refusals = 0;
        int i = 0;
        for (Event e : exploding(3, 400, 1e8)) {
            i++;
            double[] params = s.params().clone();
            double[][] slots = deepCopy(s.optimizer().slots());
            long steps = s.steps();
            Outcome o = learner.learn(e.x(), e.y());
            assertThat(Synthetic.allFinite(s)).as("non-finite parameter or slot after event %d: %s", i,
                    Arrays.toString(s.params())).isTrue();
            if (o.refused()) {
                refusals++;
                assertThat(o.stepped()).isFalse();
                assertThat(o.refusal()).as("the reason of refusal %d", refusals).isNotBlank();
                assertThat(s.params()).as("params after the refused step of event %d", i).containsExactly(params);
                assertThat(Arrays.deepEquals(s.optimizer().slots(), slots)).as("slots after a refused step").isTrue();
                assertThat(s.steps()).as("a refused step is not counted as a step").isEqualTo(steps);
                assertThat(s.batchCount()).as("the refused batch is dropped").isZero();
            } else {
                assertThat(o.refusal()).isNull();
            }
            assertThat(s.refused()).isEqualTo(refusals);
        }
        assertThat(s.seen()).isEqualTo(400);
        if (config.optimizer() instanceof Sgd || config.optimizer() instanceof Momentum
                || config.optimizer() instanceof Nesterov) {
            assertThat(refusals).as("the configuration does explode").isPositive();
        }
        assertThat(learner.flush() || s.batchCount() == 0).isTrue();
        assertThat(Synthetic.allFinite(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void clipNormContainsTheSameStream(int batch) {
        double lr = 0.01;
        LearnerConfig config = LearnerConfig.builder(Task.REGRESSION, D).optimizer(new Sgd()).learningRate(lr)
                .standardize(false).batchSize(batch).clipNorm(1.0).build();
        OnlineLearner learner = OnlineLearner.create(config);
        LearnerState s = learner.state();
        int clipped = 0;
        for (Event e : exploding(3, 400, 1e8)) {
            double[] before = s.params().clone();
            Outcome o = learner.learn(e.x(), e.y());
            assertThat(o.refused()).isFalse();
            if (o.stepped()) {
                double sq = 0;
                for (int j = 0; j < before.length; j++) {
                    double dj = s.params()[j] - before[j];
                    sq += dj * dj;
                }
                assertThat(Math.sqrt(sq)).as("a clipped step moves by at most lr·clipNorm")
                        .isLessThanOrEqualTo(lr * 1.0 * (1 + 1e-12));
                if (s.lastGradientNorm() > 1.0) {
                    clipped++;
                    assertThat(Math.sqrt(sq)).isCloseTo(lr, within(1e-12));
                }
            }
        }
        assertThat(s.refused()).isZero();
        assertThat(clipped).as("clipping was active").isPositive();
        assertThat(Synthetic.allFinite(s)).isTrue();
    }

    @Test
    void adaGradWithHugeGradientsNeverStoresANonFiniteSumOfSquares() {
        LearnerConfig config = LearnerConfig.builder(Task.REGRESSION, D).optimizer(new AdaGrad(1e-8))
                .learningRate(1e150).standardize(false).build();
        OnlineLearner learner = OnlineLearner.create(config);
        LearnerState s = learner.state();
        for (Event e : exploding(9, 300, 1e17)) {
            learner.learn(e.x(), e.y());
            assertThat(Synthetic.allFinite(s)).isTrue();
        }
        assertThat(s.refused()).isPositive();
        assertThat(s.steps() + s.refused()).isEqualTo(300);
    }

    @Test
    void adaGradSumOfSquaresAtTheEdgeOfOverflowIsRefusedNotStored() {
        LearnerConfig config = LearnerConfig.builder(Task.REGRESSION, 1).optimizer(new AdaGrad(1e-8))
                .learningRate(0.1).standardize(false).build();
        OnlineLearner learner = OnlineLearner.create(config);
        learner.learn(new double[] {1.0}, 1.0);
        LearnerState s = learner.state();
        // a long history of huge gradients: G close to the largest double, and a weight far off
        OptimizerState os = s.optimizer();
        os.slots()[0][0] = 1e308;
        s.params()[0] = 5e119;
        LearnerState before = s.copy();
        // g_w = 2(5e119·1e17 − 0)·1e17 ≈ 1e154, g_w² ≈ 1e308 (finite, and so is the norm), but G + g_w² overflows
        Outcome o = learner.learn(new double[] {1e17}, 0.0);
        assertThat(o.refused()).isTrue();
        assertThat(o.refusal()).isNotBlank();
        assertThat(os.slots()[0][0]).isEqualTo(1e308);
        assertThat(s.params()).containsExactly(before.params());
        assertThat(os).isEqualTo(before.optimizer());
        assertThat(s.refused()).isEqualTo(1);
        assertThat(Synthetic.allFinite(s)).isTrue();
        // the learner keeps working on ordinary events once the weight is sane again
        s.params()[0] = 0.0;
        os.slots()[0][0] = 0.0;
        assertThat(learner.learn(new double[] {1.0}, 1.0).stepped()).isTrue();
    }
}
