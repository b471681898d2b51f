package org.streamlearn.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.core.model.Task;
import org.streamlearn.core.optim.Adam;
import org.streamlearn.core.optim.Sgd;

/**
 * Per-event throughput of {@link OnlineLearner#learn(double[], double)} against a hand-written raw loop of the
 * same algorithm, in the same run: one operation is one event predicted then learned (linear regression,
 * squared loss, {@code interceptLearningRate} set as in River).
 *
 * <ul>
 *   <li>{@code sgd} / {@code rawSgd}: per-sample SGD, no standardization;</li>
 *   <li>{@code sgdStandardized} / {@code rawSgdStandardized}: per-sample SGD on online-standardized features;</li>
 *   <li>{@code adam} / {@code rawAdam}: per-sample Adam;</li>
 *   <li>{@code minibatch32} / {@code rawMinibatch32}: SGD, one mean-gradient step per 32 events;</li>
 *   <li>{@code minibatch32Batched} / {@code rawMinibatch32Batched}: the same, {@value #CHUNK} events per call
 *       ({@link OnlineLearner#learnAll}) from an {@link EventTable}, against the raw loop over the same chunks
 *       (an operation is still one event: {@code @OperationsPerInvocation}).</li>
 * </ul>
 *
 * <p>Events come from a pre-generated {@link EventRing} used cyclically (features cache-resident, as a just
 * deserialized event would be), so data generation is outside the measured loop. Every benchmark consumes the progressive prediction. The raw loops
 * give bit-identical predictions and parameters ({@code RawLoopsTest}); the ratio {@code learner/raw} is the cost
 * of validation, metrics, the divergence guard and the generic structure.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LearnerBenchmark -prof gc}; results in
 * {@code docs/benchmarks.md}.
 */
public class LearnerBenchmark extends ThroughputBenchmark {

    /** Seed of the ring. */
    static final long SEED = 20240601L;
    /** Intercept rate (plain SGD, outside the optimizer). */
    static final double INTERCEPT_RATE = 0.01;
    /** Adam's rate (the paper's default). */
    static final double ADAM_RATE = 0.001;
    /** Adam's first-moment decay. */
    static final double BETA1 = 0.9;
    /** Adam's second-moment decay. */
    static final double BETA2 = 0.999;
    /** Adam's ε. */
    static final double EPSILON = 1e-8;
    /** Mini-batch size. */
    static final int BATCH = 32;
    /** Events per call of the batched benchmarks. */
    static final int CHUNK = 256;

    /** Feature dimension. */
    @Param({"20", "1000"})
    public int d;

    private EventRing ring;
    private EventTable table;
    private OnlineLearner sgd;
    private OnlineLearner sgdStandardized;
    private OnlineLearner adam;
    private OnlineLearner minibatch32;
    private RawSgd rawSgd;
    private RawStandardizedSgd rawSgdStandardized;
    private RawAdam rawAdam;
    private RawMiniBatchSgd rawMinibatch32;

    /** SGD rate for dimension {@code d}: {@code 0.1/d}, so {@code 2·lr·E‖x‖² = 0.2} stays well inside stability. */
    static double sgdRate(int d) {
        return 0.1 / d;
    }

    /** Per-sample SGD, no standardization (the configurations are shared with {@code RawLoopsTest}). */
    static LearnerConfig sgdConfig(int d) {
        return LearnerConfig.builder(Task.REGRESSION, d).optimizer(new Sgd()).learningRate(sgdRate(d))
                .interceptLearningRate(INTERCEPT_RATE).standardize(false).batchSize(1).build();
    }

    /** SGD with online standardization. */
    static LearnerConfig sgdStandardizedConfig(int d) {
        return sgdConfig(d).toBuilder().standardize(true).build();
    }

    /** Adam. */
    static LearnerConfig adamConfig(int d) {
        return sgdConfig(d).toBuilder().optimizer(new Adam(BETA1, BETA2, EPSILON)).learningRate(ADAM_RATE).build();
    }

    /** SGD, mini-batches of {@value #BATCH}. */
    static LearnerConfig minibatchConfig(int d) {
        return sgdConfig(d).toBuilder().batchSize(BATCH).build();
    }

    /** Generates the ring and fresh models (each fork runs one benchmark; the others' models stay idle). */
    @Setup
    public void setUp() {
        ring = new EventRing(d, EventRing.rowsFor(d), SEED);
        table = new EventTable(d, SEED);
        sgd = OnlineLearner.create(sgdConfig(d));
        sgdStandardized = OnlineLearner.create(sgdStandardizedConfig(d));
        adam = OnlineLearner.create(adamConfig(d));
        minibatch32 = OnlineLearner.create(minibatchConfig(d));
        rawSgd = new RawSgd(d, sgdRate(d), INTERCEPT_RATE);
        rawSgdStandardized = new RawStandardizedSgd(d, sgdRate(d), INTERCEPT_RATE);
        rawAdam = new RawAdam(d, ADAM_RATE, INTERCEPT_RATE, BETA1, BETA2, EPSILON);
        rawMinibatch32 = new RawMiniBatchSgd(d, BATCH, sgdRate(d), INTERCEPT_RATE);
    }

    /** {@link OnlineLearner}, SGD. */
    @Benchmark
    public void sgd(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(sgd.learn(x, ring.y()).prediction());
    }

    /** Raw loop, SGD. */
    @Benchmark
    public void rawSgd(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(rawSgd.learn(x, ring.y()));
    }

    /** {@link OnlineLearner}, SGD with online standardization. */
    @Benchmark
    public void sgdStandardized(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(sgdStandardized.learn(x, ring.y()).prediction());
    }

    /** Raw loop, SGD with online standardization. */
    @Benchmark
    public void rawSgdStandardized(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(rawSgdStandardized.learn(x, ring.y()));
    }

    /** {@link OnlineLearner}, Adam. */
    @Benchmark
    public void adam(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(adam.learn(x, ring.y()).prediction());
    }

    /** Raw loop, Adam. */
    @Benchmark
    public void rawAdam(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(rawAdam.learn(x, ring.y()));
    }

    /** {@link OnlineLearner}, SGD with mini-batches of 32. */
    @Benchmark
    public void minibatch32(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(minibatch32.learn(x, ring.y()).prediction());
    }

    /** Raw loop, SGD with mini-batches of 32. */
    @Benchmark
    public void rawMinibatch32(Blackhole bh) {
        double[] x = ring.next();
        bh.consume(rawMinibatch32.learn(x, ring.y()));
    }

    /** {@link OnlineLearner#learnAll}, SGD with mini-batches of 32, {@value #CHUNK} events per call. */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public void minibatch32Batched(Blackhole bh) {
        EventTable t = table;
        int from = t.advance(CHUNK);
        minibatch32.learnAll(t.xs, t.ys, null, from, from + CHUNK, t.predictions);
        bh.consume(t.predictions[from + CHUNK - 1]);
    }

    /** Raw loop, SGD with mini-batches of 32, over the same chunks. */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public void rawMinibatch32Batched(Blackhole bh) {
        EventTable t = table;
        int from = t.advance(CHUNK);
        rawMinibatch32.learnAll(t.xs, t.ys, from, from + CHUNK, t.predictions);
        bh.consume(t.predictions[from + CHUNK - 1]);
    }
}
