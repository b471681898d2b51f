package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.optim.AdaGrad;
import org.streamlearn.core.optim.Adam;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.schedule.LearningRateSchedule;
import org.streamlearn.core.testing.Synthetic.Event;

/**
 * Convergence contract: on a synthetic linear stream (d = 5, features ~ N(0, 1), {@code y = Xβ + b + N(0, 0.1²)},
 * 20 000 events, fixed seed, standardize off) SGD with a small constant rate and Adam, per sample and in
 * mini-batches of 32, end within {@value #TOLERANCE} (max over weights and intercept) of the closed-form
 * least-squares solution of the same events (EJML QR); logistic regression on nearly separable data reaches a
 * progressive accuracy above 0.9.
 */
class ConvergenceTest {

    private static final int N = 20_000;
    private static final int D = 5;
    private static final double[] BETA = {1.5, -2.0, 0.5, 3.0, -1.0};
    private static final double BIAS = 0.8;
    private static final double TOLERANCE = 0.02;

    private static List<Event> stream;
    private static double[] leastSquares;

    @BeforeAll
    static void linearStreamAndItsLeastSquaresSolution() {
        Random r = new Random(20240601L);
        stream = new ArrayList<>(N);
        DMatrixRMaj a = new DMatrixRMaj(N, D + 1);
        DMatrixRMaj b = new DMatrixRMaj(N, 1);
        for (int i = 0; i < N; i++) {
            double[] x = new double[D];
            double y = BIAS;
            for (int j = 0; j < D; j++) {
                x[j] = r.nextGaussian();
                y += BETA[j] * x[j];
                a.set(i, j, x[j]);
            }
            y += 0.1 * r.nextGaussian();
            a.set(i, D, 1.0); // the intercept column
            b.set(i, 0, y);
            stream.add(new Event(x, y));
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.leastSquares(N, D + 1);
        assertThat(solver.setA(a)).isTrue();
        DMatrixRMaj w = new DMatrixRMaj(D + 1, 1);
        solver.solve(b, w);
        leastSquares = w.getData().clone();
        // sanity of the reference itself: close to the generating coefficients
        for (int j = 0; j < D; j++) {
            assertThat(Math.abs(leastSquares[j] - BETA[j])).isLessThan(0.01);
        }
        assertThat(Math.abs(leastSquares[D] - BIAS)).isLessThan(0.01);
    }

    static Stream<Arguments> regressions() {
        Adam adam = new Adam(0.9, 0.999, 1e-8);
        return Stream.of(
                Arguments.of(Named.of("sgd lr=0.001", new Sgd()), new LearningRateSchedule.Constant(0.001), 1),
                Arguments.of(Named.of("adam lr=0.001", adam), new LearningRateSchedule.Constant(0.001), 1),
                Arguments.of(Named.of("adam lr=0.002 halved every 4000", adam),
                        new LearningRateSchedule.Step(0.002, 0.5, 4000), 1),
                Arguments.of(Named.of("sgd lr=0.01 minibatch 32", new Sgd()), new LearningRateSchedule.Constant(0.01),
                        32),
                Arguments.of(Named.of("adam lr=0.03 minibatch 32", adam), new LearningRateSchedule.Constant(0.03), 32));
    }

    @ParameterizedTest
    @MethodSource("regressions")
    void approachesTheLeastSquaresSolution(Optimizer optimizer, LearningRateSchedule schedule, int batch) {
        LearnerConfig config = LearnerConfig.builder(Task.REGRESSION, D).optimizer(optimizer).schedule(schedule)
                .standardize(false).batchSize(batch).build();
        OnlineLearner learner = OnlineLearner.create(config);
        for (Event e : stream) {
            learner.learn(e.x(), e.y());
        }
        learner.flush();
        LearnerState s = learner.state();
        double[] w = s.params();
        double worst = 0;
        for (int i = 0; i <= D; i++) {
            worst = Math.max(worst, Math.abs(w[i] - leastSquares[i]));
        }
        assertThat(worst).as("max |w − w_ls|, w = %s, w_ls = %s", Arrays.toString(w), Arrays.toString(leastSquares))
                .isLessThan(TOLERANCE);
        assertThat(s.steps()).isEqualTo((N + batch - 1) / batch);
        assertThat(s.refused()).isZero();
        // the latest progressive errors are down to the noise (variance 0.01) with squared loss (ŷ − y)²
        assertThat(s.rolling().windowMean()).isLessThan(0.015);
        assertThat(s.metrics().mse()).isGreaterThan(0.01)
                .isCloseTo(s.rolling().mean(), within(1e-9 * s.rolling().mean()));
    }

    static Stream<Arguments> classifiers() {
        return Stream.of(
                Arguments.of(Named.of("sgd lr=0.05", new Sgd()), 0.05, 1),
                Arguments.of(Named.of("adam lr=0.01", new Adam(0.9, 0.999, 1e-8)), 0.01, 1),
                Arguments.of(Named.of("adagrad lr=0.1 minibatch 32", new AdaGrad(1e-8)), 0.1, 32));
    }

    @ParameterizedTest
    @MethodSource("classifiers")
    void logisticRegressionOnNearlySeparableDataIsAccurate(Optimizer optimizer, double lr, int batch) {
        Random r = new Random(99);
        LearnerConfig config = LearnerConfig.builder(Task.BINARY, D).optimizer(optimizer).learningRate(lr)
                .batchSize(batch).build();
        OnlineLearner learner = OnlineLearner.create(config);
        int positives = 0;
        for (int i = 0; i < N; i++) {
            double[] x = new double[D];
            double s = BIAS;
            for (int j = 0; j < D; j++) {
                x[j] = (j == 2 ? 5.0 : 0.0) + r.nextGaussian(); // one off-centre feature: standardization matters
                s += BETA[j] * (x[j] - (j == 2 ? 5.0 : 0.0));
            }
            double y = s + 0.3 * r.nextGaussian() > 0 ? 1.0 : 0.0;
            positives += (int) y;
            learner.learn(x, y);
        }
        LearnerState st = learner.state();
        assertThat(positives).isBetween(N / 4, 3 * N / 4);
        assertThat(st.metrics().accuracy()).as("progressive accuracy").isGreaterThan(0.9);
        assertThat(st.metrics().precision()).isGreaterThan(0.85);
        assertThat(st.metrics().recall()).isGreaterThan(0.85);
        assertThat(st.metrics().logLoss()).isLessThan(Math.log(2));
    }
}
