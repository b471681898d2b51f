package org.streamlearn.bench;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.core.replica.ParameterMixing;

/**
 * The merge cost of replicas (DESIGN.md "Replicas") against the learning it buys, in the same run: {@code merge}
 * is one round's merge ({@link ParameterMixing#merge}) of {@code r} reports of a standardized linear model with
 * {@code d} features (update-weighted parameter average, pooled standardizer statistics, summed metrics); the
 * baseline {@code learnEvent} is one event learned by the same model. Their ratio is how many events one replica
 * learns in the time the merge step spends on one round, the smallest {@code syncEvery} at which the merge step
 * keeps up (docs/benchmarks.md, "Replicas: what a merge costs").
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MergeBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s}.
 */
public class MergeBenchmark extends ThroughputBenchmark {

    /** Replicas. */
    @Param({"2", "4", "8", "16"})
    public int r;

    /** Feature dimension. */
    @Param({"1000", "100000"})
    public int d;

    private EventRing ring;
    private OnlineLearner learner;
    private List<LearnerState> reports;

    /** Replicas that learned a few events each (non-trivial statistics) and a learner for the baseline. */
    @Setup
    public void setUp() {
        ring = new EventRing(d, EventRing.rowsFor(d), LearnerBenchmark.SEED);
        reports = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            OnlineLearner replica = OnlineLearner.create(LearnerBenchmark.sgdStandardizedConfig(d));
            for (int k = 0; k < 8; k++) {
                replica.learn(ring.next(), ring.y());
            }
            reports.add(replica.state());
        }
        learner = OnlineLearner.create(LearnerBenchmark.sgdStandardizedConfig(d));
    }

    /** One round's merge of {@code r} reports. */
    @Benchmark
    public void merge(Blackhole bh) {
        bh.consume(ParameterMixing.merge(reports));
    }

    /** Baseline: one event learned by one replica. */
    @Benchmark
    public void learnEvent(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(learner.learn(x, ring.y()).prediction());
    }
}
