package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import org.streamlearn.core.optim.Adam;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.testing.Synthetic;
import org.streamlearn.core.testing.Synthetic.Event;

/**
 * {@link OnlineLearner#learnAll} against {@link OnlineLearner#learn} on each event in turn, bit for bit: the state
 * (parameters, optimizer state, standardizer, metrics, rolling loss, open batch, counters), the last step's
 * diagnostics, every progressive prediction and the outcome left behind; for every task and optimizer, per
 * sample and in batches that runs cross, with and without standardization, with l1, l2 and clipping, an MLP,
 * weights (some 0), a stream whose steps the divergence guard refuses, and an invalid event in a run.
 */
class LearnAllTest {

    private static final int D = 5;
    private static final int N = 301;
    /** Run lengths, cycled: runs cross every batch boundary (7 with batches of 4 and 32), and some are empty. */
    private static final int[] RUNS = {7, 1, 0, 13, 2, 64, 3, 31, 33, 5};

    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (Task task : Task.values()) {
            for (Optimizer o : Synthetic.optimizers()) {
                for (int batch : new int[] {1, 4, 32}) {
                    for (boolean standardize : new boolean[] {false, true}) {
                        LearnerConfig c = Synthetic.builder(task, D, o).batchSize(batch).standardize(standardize)
                                .interceptLearningRate(batch == 1 ? Double.NaN : 0.02).build();
                        out.add(Arguments.of(Named.of(task.logicalName() + " " + o.name() + " batch" + batch
                                + (standardize ? " standardized" : ""), c)));
                    }
                }
            }
        }
        LearnerConfig sgd32 = Synthetic.builder(Task.REGRESSION, D, new Sgd()).batchSize(32).standardize(false)
                .interceptLearningRate(0.01).build();
        out.add(Arguments.of(Named.of("regression sgd batch32 l1 l2", sgd32.toBuilder().l1(1e-4).l2(1e-3).build())));
        out.add(Arguments.of(Named.of("regression sgd batch32 clipped", sgd32.toBuilder().clipNorm(0.5).build())));
        out.add(Arguments.of(Named.of("regression sgd batch1 clipped",
                sgd32.toBuilder().batchSize(1).clipNorm(0.5).build())));
        out.add(Arguments.of(Named.of("binary adam batch8 mlp", Synthetic.builder(Task.BINARY, D, new Adam(0.9,
                0.999, 1e-8)).batchSize(8).architecture(new Architecture.Mlp(new int[] {6}, Activation.TANH,
                Init.XAVIER, 11)).build())));
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void runsLearnWhatEventsLearnBitForBit(LearnerConfig config) {
        check(config, Synthetic.events(config.task(), 77, N, D), null);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void weightedRunsLearnWhatWeightedEventsLearnBitForBit(LearnerConfig config) {
        Random r = new Random(13);
        double[] weights = new double[N];
        for (int i = 0; i < N; i++) {
            weights[i] = i % 9 == 4 ? 0.0 : 2.0 * r.nextDouble();
        }
        check(config, Synthetic.events(config.task(), 78, N, D), weights);
    }

    @Test
    void longRunsAndBatchesLargerThanASegmentAreTheSame() {
        // PlainPath predicts at most 256 events before adding their gradients: a batch of 300 spans segments
        LearnerConfig c = Synthetic.builder(Task.REGRESSION, D, new Sgd()).batchSize(300).standardize(false)
                .interceptLearningRate(0.01).build();
        List<Event> events = Synthetic.events(Task.REGRESSION, 21, 1000, D);
        OnlineLearner a = OnlineLearner.create(c);
        double[] expected = new double[events.size()];
        for (int i = 0; i < events.size(); i++) {
            expected[i] = a.learn(events.get(i).x(), events.get(i).y()).prediction();
        }
        OnlineLearner b = OnlineLearner.create(c);
        double[] got = new double[events.size()];
        b.learnAll(xs(events), ys(events), null, 0, 700, got);
        b.learnAll(xs(events), ys(events), null, 700, events.size(), got);
        assertBitIdentical(a, b);
        assertThat(got).isEqualTo(expected);
        assertThat(a.state().steps()).isEqualTo(3);
    }

    @Test
    void refusedStepsAreTheSame() {
        // raw features ~1e8 at rate 10 (DivergenceGuardTest's exploding stream): the guard refuses steps
        Random r = new Random(5);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            double[] x = new double[D];
            double y = 1.0;
            for (int j = 0; j < D; j++) {
                x[j] = 1e8 * r.nextGaussian();
                y += (j - 2) * x[j];
            }
            events.add(new Event(x, y));
        }
        for (int batch : new int[] {1, 4}) {
            LearnerConfig c = LearnerConfig.builder(Task.REGRESSION, D).optimizer(new Sgd()).learningRate(10.0)
                    .standardize(false).batchSize(batch).maxAbsValue(1e12).build();
            OnlineLearner reference = check(c, events, null);
            assertThat(reference.state().refused()).isPositive();
        }
    }

    /**
     * Learns {@code events} with {@code weights} (1 when null) per event and in runs; asserts everything equal;
     * returns the per-event learner.
     */
    private static OnlineLearner check(LearnerConfig config, List<Event> events, double[] weights) {
        OnlineLearner a = OnlineLearner.create(config);
        double[] expected = new double[events.size()];
        Outcome last = null;
        for (int i = 0; i < events.size(); i++) {
            last = a.learn(events.get(i).x(), events.get(i).y(), weights == null ? 1.0 : weights[i]);
            expected[i] = last.prediction();
        }
        OnlineLearner b = OnlineLearner.create(config);
        double[][] xs = xs(events);
        double[][] xsBefore = deepCopy(xs);
        double[] ys = ys(events);
        double[] got = new double[events.size()];
        Outcome reused = b.learn(xs[0], ys[0], weights == null ? 1.0 : weights[0]); // reused: read after the runs
        got[0] = reused.prediction();
        int i = 1;
        for (int r = 0; i < events.size(); r++) {
            int to = Math.min(events.size(), i + RUNS[r % RUNS.length]);
            b.learnAll(xs, ys, weights, i, to, got);
            i = to;
        }
        assertThat(xs).isDeepEqualTo(xsBefore);
        assertBitIdentical(a, b);
        for (int e = 0; e < got.length; e++) {
            assertThat(Double.doubleToRawLongBits(got[e])).as("prediction %d", e)
                    .isEqualTo(Double.doubleToRawLongBits(expected[e]));
        }
        assertThat(Double.doubleToRawLongBits(reused.score())).isEqualTo(Double.doubleToRawLongBits(last.score()));
        assertThat(Double.doubleToRawLongBits(reused.loss())).isEqualTo(Double.doubleToRawLongBits(last.loss()));
        assertThat(reused.stepped()).isEqualTo(last.stepped());
        assertThat(reused.refused()).isEqualTo(last.refused());
        assertThat(a.state().steps()).isPositive();
        return a;
    }

    static Stream<Arguments> invalidCases() {
        List<Arguments> out = new ArrayList<>();
        LearnerConfig plain = Synthetic.builder(Task.REGRESSION, D, new Sgd()).batchSize(4).standardize(false)
                .build();
        List<LearnerConfig> configs = List.of(plain, plain.toBuilder().batchSize(1).build(),
                plain.toBuilder().standardize(true).build(),
                plain.toBuilder().architecture(new Architecture.Mlp(new int[] {3}, Activation.RELU, Init.HE, 3))
                        .build());
        String[] names = {"plain batch4", "plain batch1", "standardized", "mlp"};
        for (int c = 0; c < configs.size(); c++) {
            out.add(Arguments.of(Named.of(names[c] + ", NaN feature", configs.get(c)), "nan", "features[2]",
                    "NaN is not a number"));
            out.add(Arguments.of(Named.of(names[c] + ", short features", configs.get(c)), "short", "features",
                    "expected 5 values, got 4"));
            out.add(Arguments.of(Named.of(names[c] + ", no features", configs.get(c)), "null", "features",
                    "missing"));
            out.add(Arguments.of(Named.of(names[c] + ", infinite label", configs.get(c)), "label", "label",
                    "infinite"));
            out.add(Arguments.of(Named.of(names[c] + ", negative weight", configs.get(c)), "weight", "weight",
                    "must be finite and >= 0, got -1.0"));
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("invalidCases")
    void anInvalidEventStopsTheRunAfterTheEventsBeforeIt(LearnerConfig config, String defect, String field,
            String problem) {
        List<Event> events = Synthetic.events(config.task(), 9, 40, D);
        double[][] xs = xs(events);
        double[] ys = ys(events);
        double[] weights = new double[xs.length];
        Arrays.fill(weights, 0.5);
        int bad = 17;
        switch (defect) {
            case "nan" -> xs[bad][2] = Double.NaN;
            case "short" -> xs[bad] = new double[D - 1];
            case "null" -> xs[bad] = null;
            case "weight" -> weights[bad] = -1.0;
            default -> ys[bad] = Double.POSITIVE_INFINITY;
        }
        OnlineLearner a = OnlineLearner.create(config);
        for (int i = 0; i < bad; i++) {
            a.learn(xs[i], ys[i], weights[i]);
        }
        InvalidExampleException perEvent = catchThrowableOfType(InvalidExampleException.class,
                () -> a.learn(xs[bad], ys[bad], weights[bad]));

        OnlineLearner b = OnlineLearner.create(config);
        b.learnAll(xs, ys, weights, 0, 3, null);
        double[] predictions = new double[xs.length];
        InvalidExampleException e = catchThrowableOfType(InvalidExampleException.class,
                () -> b.learnAll(xs, ys, weights, 3, 30, predictions));
        assertThat(e.index()).isEqualTo(bad);
        assertThat(e.field()).isEqualTo(field).isEqualTo(perEvent.field());
        assertThat(e.problem()).startsWith(problem).isEqualTo(perEvent.problem());
        assertThat(e.getMessage()).isEqualTo("event " + bad + ": " + perEvent.getMessage());
        assertThat(perEvent.index()).isEqualTo(-1);
        assertBitIdentical(a, b);
        assertThat(predictions[bad]).isZero();
        assertThat(b.state().seen()).isEqualTo(bad);

        // the model is not corrupted: both go on past the invalid event alike
        for (int i = bad + 1; i < xs.length; i++) {
            a.learn(xs[i], ys[i], weights[i]);
        }
        b.learnAll(xs, ys, weights, bad + 1, xs.length, null);
        assertBitIdentical(a, b);
    }

    @Test
    void aRangeOutsideTheArraysLearnsNothing() {
        OnlineLearner l = OnlineLearner.create(Synthetic.builder(Task.REGRESSION, D, new Sgd()).batchSize(4)
                .standardize(false).build());
        List<Event> events = Synthetic.events(Task.REGRESSION, 3, 10, D);
        double[][] xs = xs(events);
        double[] ys = ys(events);
        assertThatThrownBy(() -> l.learnAll(xs, ys, null, 0, 11, null))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.learnAll(xs, ys, null, 5, 4, null)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.learnAll(xs, new double[9], null, 0, 10, null))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.learnAll(xs, ys, new double[9], 0, 10, null))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.learnAll(xs, ys, null, 0, 10, new double[9]))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(l.state()).isEqualTo(OnlineLearner.freshState(l.config()));
    }

    private static void assertBitIdentical(OnlineLearner a, OnlineLearner b) {
        LearnerState sa = a.state();
        LearnerState sb = b.state();
        assertThat(sb).isEqualTo(sa);
        assertThat(sb.batchGradient).isEqualTo(sa.batchGradient);
        assertThat(Double.doubleToRawLongBits(sb.lastGradientNorm()))
                .isEqualTo(Double.doubleToRawLongBits(sa.lastGradientNorm()));
        assertThat(Double.doubleToRawLongBits(sb.lastLearningRate()))
                .isEqualTo(Double.doubleToRawLongBits(sa.lastLearningRate()));
        assertThat(Double.doubleToRawLongBits(sb.rolling().ewma()))
                .isEqualTo(Double.doubleToRawLongBits(sa.rolling().ewma()));
    }

    private static double[][] xs(List<Event> events) {
        double[][] xs = new double[events.size()][];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = events.get(i).x();
        }
        return xs;
    }

    private static double[] ys(List<Event> events) {
        double[] ys = new double[events.size()];
        for (int i = 0; i < ys.length; i++) {
            ys[i] = events.get(i).y();
        }
        return ys;
    }

    private static double[][] deepCopy(double[][] xs) {
        double[][] c = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            c[i] = xs[i].clone();
        }
        return c;
    }
}
