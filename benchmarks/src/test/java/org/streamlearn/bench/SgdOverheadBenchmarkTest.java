package org.streamlearn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every variant of the SGD path learns the raw loop's model, bit for bit: the ablation compares equal work. */
class SgdOverheadBenchmarkTest {

    private static final int EVENTS = 2 * EventRing.NOISE + 3;

    @ParameterizedTest
    @ValueSource(ints = {20, 1000})
    void everyVariantLearnsTheRawModel(int d) {
        RawSgd raw = new RawSgd(d, LearnerBenchmark.sgdRate(d), LearnerBenchmark.INTERCEPT_RATE);
        EventRing ring = new EventRing(d, EventRing.rowsFor(d), LearnerBenchmark.SEED);
        double[] rawPredictions = new double[EVENTS];
        for (int e = 0; e < EVENTS; e++) {
            rawPredictions[e] = raw.learn(ring.next(), ring.y());
        }
        double[] expected = Arrays.copyOf(raw.weights(), d + 1);
        expected[d] = raw.intercept();

        check(d, SgdOverheadBenchmark::raw, rawPredictions, expected);
        check(d, SgdOverheadBenchmark::replica, rawPredictions, expected);
        check(d, SgdOverheadBenchmark::replicaWithoutValidation, rawPredictions, expected);
        check(d, SgdOverheadBenchmark::replicaWithoutNorm, rawPredictions, expected);
        check(d, SgdOverheadBenchmark::replicaNormFourLanes, rawPredictions, expected);
        check(d, SgdOverheadBenchmark::replicaBoundedStep, rawPredictions, expected);
        check(d, SgdOverheadBenchmark::fused, rawPredictions, expected);
    }

    private static void check(int d, ToDoubleFunction<SgdOverheadBenchmark> variant, double[] predictions,
            double[] parameters) {
        SgdOverheadBenchmark bench = new SgdOverheadBenchmark();
        bench.d = d;
        bench.setUp();
        double[] got = new double[EVENTS];
        for (int e = 0; e < EVENTS; e++) {
            got[e] = variant.applyAsDouble(bench);
        }
        assertThat(got).isEqualTo(predictions);
        assertThat(bench.parameters()).isEqualTo(parameters);
    }
}
