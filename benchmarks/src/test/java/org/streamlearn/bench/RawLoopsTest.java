package org.streamlearn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.OnlineLearner;

/**
 * The raw baselines compute what the learner computes: on the benchmark's events, every progressive prediction
 * and the final parameters (and statistics, moments) are bit-identical. Otherwise the benchmark's ratios would
 * compare different work.
 */
class RawLoopsTest {

    private static final int EVENTS = 3 * EventRing.NOISE + 7;

    @ParameterizedTest
    @ValueSource(ints = {1, 20, 1000})
    void sgdMatchesTheLearner(int d) {
        OnlineLearner learner = OnlineLearner.create(LearnerBenchmark.sgdConfig(d));
        RawSgd raw = new RawSgd(d, LearnerBenchmark.sgdRate(d), LearnerBenchmark.INTERCEPT_RATE);
        replay(d, learner, raw::learn);
        assertParameters(learner.state(), raw.weights(), raw.intercept());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 20, 1000})
    void standardizedSgdMatchesTheLearner(int d) {
        OnlineLearner learner = OnlineLearner.create(LearnerBenchmark.sgdStandardizedConfig(d));
        RawStandardizedSgd raw = new RawStandardizedSgd(d, LearnerBenchmark.sgdRate(d),
                LearnerBenchmark.INTERCEPT_RATE);
        replay(d, learner, raw::learn);
        assertParameters(learner.state(), raw.weights(), raw.intercept());
        assertThat(learner.state().scaler().mean()).isEqualTo(raw.mean());
        assertThat(learner.state().scaler().variance()).isEqualTo(raw.variance());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 20, 1000})
    void adamMatchesTheLearner(int d) {
        OnlineLearner learner = OnlineLearner.create(LearnerBenchmark.adamConfig(d));
        RawAdam raw = new RawAdam(d, LearnerBenchmark.ADAM_RATE, LearnerBenchmark.INTERCEPT_RATE,
                LearnerBenchmark.BETA1, LearnerBenchmark.BETA2, LearnerBenchmark.EPSILON);
        replay(d, learner, raw::learn);
        assertParameters(learner.state(), raw.weights(), raw.intercept());
        double[][] slots = learner.state().optimizer().slots();
        assertThat(Arrays.copyOf(slots[0], d)).isEqualTo(raw.firstMoment());
        assertThat(Arrays.copyOf(slots[1], d)).isEqualTo(raw.secondMoment());
        assertThat(learner.state().optimizer().step()).isEqualTo(EVENTS);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 20, 1000})
    void miniBatchSgdMatchesTheLearner(int d) {
        OnlineLearner learner = OnlineLearner.create(LearnerBenchmark.minibatchConfig(d));
        RawMiniBatchSgd raw = new RawMiniBatchSgd(d, LearnerBenchmark.BATCH, LearnerBenchmark.sgdRate(d),
                LearnerBenchmark.INTERCEPT_RATE);
        replay(d, learner, raw::learn);
        assertParameters(learner.state(), raw.weights(), raw.intercept());
        assertThat(learner.state().optimizer().step()).isEqualTo(EVENTS / LearnerBenchmark.BATCH);
    }

    /**
     * The batched pairs ({@code LearnerBenchmark.minibatch32Batched}, {@code CpuTimeRatio}'s {@code ...batched}):
     * {@link OnlineLearner#learnAll} over an {@link EventTable}'s chunks learns the raw loop's model over the same
     * chunks, with the same predictions, twice around the table.
     */
    @ParameterizedTest
    @ValueSource(strings = {"minibatch32", "sgd", "adam"})
    void batchedRunsMatchTheRawLoop(String pair) {
        int d = 20;
        OnlineLearner learner;
        Raw raw;
        double[] w;
        DoubleSupplier b;
        switch (pair) {
            case "minibatch32" -> {
                learner = OnlineLearner.create(LearnerBenchmark.minibatchConfig(d));
                RawMiniBatchSgd r = new RawMiniBatchSgd(d, LearnerBenchmark.BATCH, LearnerBenchmark.sgdRate(d),
                        LearnerBenchmark.INTERCEPT_RATE);
                raw = r::learn;
                w = r.weights();
                b = r::intercept;
            }
            case "sgd" -> {
                learner = OnlineLearner.create(LearnerBenchmark.sgdConfig(d));
                RawSgd r = new RawSgd(d, LearnerBenchmark.sgdRate(d), LearnerBenchmark.INTERCEPT_RATE);
                raw = r::learn;
                w = r.weights();
                b = r::intercept;
            }
            default -> {
                learner = OnlineLearner.create(LearnerBenchmark.adamConfig(d));
                RawAdam r = new RawAdam(d, LearnerBenchmark.ADAM_RATE, LearnerBenchmark.INTERCEPT_RATE,
                        LearnerBenchmark.BETA1, LearnerBenchmark.BETA2, LearnerBenchmark.EPSILON);
                raw = r::learn;
                w = r.weights();
                b = r::intercept;
            }
        }
        EventTable learnerTable = new EventTable(d, LearnerBenchmark.SEED);
        EventTable rawTable = new EventTable(d, LearnerBenchmark.SEED);
        int chunks = 2 * EventTable.LENGTH / LearnerBenchmark.CHUNK;
        for (int c = 0; c < chunks; c++) {
            int from = learnerTable.advance(LearnerBenchmark.CHUNK);
            assertThat(rawTable.advance(LearnerBenchmark.CHUNK)).isEqualTo(from);
            learner.learnAll(learnerTable.xs, learnerTable.ys, null, from, from + LearnerBenchmark.CHUNK,
                    learnerTable.predictions);
            for (int i = from; i < from + LearnerBenchmark.CHUNK; i++) {
                rawTable.predictions[i] = raw.learn(rawTable.xs[i], rawTable.ys[i]);
            }
            assertThat(learnerTable.predictions).isEqualTo(rawTable.predictions);
        }
        assertThat(learner.state().refused()).isZero();
        assertParameters(learner.state(), w, b.getAsDouble());
        assertThat(learner.state().seen()).isEqualTo(2L * EventTable.LENGTH);
    }

    private interface Raw {
        double learn(double[] x, double y);
    }

    private static void replay(int d, OnlineLearner learner, Raw raw) {
        EventRing ring = new EventRing(d, EventRing.rowsFor(d), LearnerBenchmark.SEED);
        double[] learnerPredictions = new double[EVENTS];
        double[] rawPredictions = new double[EVENTS];
        for (int e = 0; e < EVENTS; e++) {
            double[] x = ring.next();
            double[] before = x.clone();
            learnerPredictions[e] = learner.learn(x, ring.y()).prediction();
            rawPredictions[e] = raw.learn(x, ring.y());
            assertThat(x).isEqualTo(before);
        }
        assertThat(learner.state().refused()).isZero();
        assertThat(rawPredictions).isEqualTo(learnerPredictions);
        assertThat(Arrays.stream(learnerPredictions).allMatch(Double::isFinite)).isTrue();
    }

    private static void assertParameters(LearnerState state, double[] w, double b) {
        double[] params = state.params();
        int d = w.length;
        assertThat(Arrays.copyOf(params, d)).isEqualTo(w);
        assertThat(params[d]).isEqualTo(b);
    }
}
