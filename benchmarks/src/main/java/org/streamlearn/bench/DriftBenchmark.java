package org.streamlearn.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;
import org.streamlearn.core.drift.Adwin;
import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.core.drift.PageHinkley;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.core.model.Task;
import org.streamlearn.core.optim.Sgd;

/**
 * What a drift detector adds to an event: per-sample SGD ({@link LearnerBenchmark#sgdConfig}, the learner alone)
 * against the same learner whose absolute error {@code |y − ŷ|} then goes to a detector with DESIGN.md's
 * default parameters, as the service's lifecycle does for a spec with {@code "drift": {"signal": "error"}}.
 *
 * <ul>
 *   <li>{@code sgd}: the learner alone;</li>
 *   <li>{@code sgdPageHinkley}, {@code sgdAdwin}: the learner, then the detector;</li>
 *   <li>{@code sgdWith3Challengers}: the learner and three challengers (SGD at other rates) learning the same
 *       event, as a spec with three challengers makes the lifecycle do: k challengers cost about k + 1 models.</li>
 * </ul>
 *
 * <p>The stream is stationary, so ADWIN's window grows for the whole run (its cut scan, every 32 values, gets
 * longer with the window's rows: the slow case). The ratio {@code sgdX/sgd} is the figure in
 * {@code docs/benchmarks.md}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DriftBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s}.
 */
public class DriftBenchmark extends ThroughputBenchmark {

    /** Feature dimension. */
    @Param({"20"})
    public int d;

    private EventRing ring;
    private OnlineLearner sgd;
    private OnlineLearner sgdPh;
    private OnlineLearner sgdAdwin;
    private DriftDetector pageHinkley;
    private DriftDetector adwin;
    private OnlineLearner[] candidates;

    /** The ring, fresh learners and detectors. */
    @Setup
    public void setUp() {
        ring = new EventRing(d, EventRing.rowsFor(d), LearnerBenchmark.SEED);
        sgd = OnlineLearner.create(LearnerBenchmark.sgdConfig(d));
        sgdPh = OnlineLearner.create(LearnerBenchmark.sgdConfig(d));
        sgdAdwin = OnlineLearner.create(LearnerBenchmark.sgdConfig(d));
        pageHinkley = PageHinkley.defaults().newDetector();
        adwin = Adwin.defaults().newDetector();
        candidates = new OnlineLearner[4];
        for (int i = 0; i < candidates.length; i++) {
            candidates[i] = OnlineLearner.create(LearnerConfig.builder(Task.REGRESSION, d).optimizer(new Sgd())
                    .learningRate(LearnerBenchmark.sgdRate(d) / (1 << i))
                    .interceptLearningRate(LearnerBenchmark.INTERCEPT_RATE).standardize(false).batchSize(1).build());
        }
    }

    /** Per-sample SGD and three challengers, all learning the event. */
    @Benchmark
    public void sgdWith3Challengers(Blackhole bh) {
        double[] x = ring.next();
        double y = ring.y();
        bh.consume(candidates[0].learn(x, y).prediction());
        for (int i = 1; i < candidates.length; i++) {
            bh.consume(candidates[i].learn(x, y).loss());
        }
    }

    /** Per-sample SGD alone. */
    @Benchmark
    public void sgd(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(sgd.learn(x, ring.y()).prediction());
    }

    /** Per-sample SGD, then Page-Hinkley on the absolute error. */
    @Benchmark
    public void sgdPageHinkley(Blackhole bh) {
        double[] x = ring.next();
        double y = ring.y();
        Outcome o = sgdPh.learn(x, y);
        bh.consume(pageHinkley.update(Math.abs(y - o.prediction())));
    }

    /** Per-sample SGD, then ADWIN on the absolute error. */
    @Benchmark
    public void sgdAdwin(Blackhole bh) {
        double[] x = ring.next();
        double y = ring.y();
        Outcome o = sgdAdwin.learn(x, y);
        bh.consume(adwin.update(Math.abs(y - o.prediction())));
    }
}
