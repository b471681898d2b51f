package org.streamlearn.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import org.streamlearn.core.model.OnlineLearner;

/**
 * {@link LearnerBenchmark}'s ratio learner/raw for one pair, timed by the thread's CPU time instead of the wall
 * clock, in short slices that alternate between the two sides: on a shared machine whose load average is many
 * times its core count, a JMH iteration measures the scheduler as much as the code (±50 % and more), while the
 * CPU time of the measuring thread leaves out the time it waited for a core. Each slice learns {@code events}
 * events with one side; the figure is the median over {@code rounds} pairs of the per-pair ratio.
 *
 * <p>The loops mimic JMH's: one volatile read per event (as JMH's {@code isDone}), so no field load of the learner
 * is hoisted out of the loop, and the prediction is consumed. Same configurations, rings and raw loops as
 * {@link LearnerBenchmark}.
 *
 * <p>A pair named with the suffix {@code batched} ({@code minibatch32batched}) learns {@link LearnerBenchmark#CHUNK}
 * events per call of {@link OnlineLearner#learnAll} from an {@link EventTable}, and its raw loop goes over the
 * same chunks; the volatile read is then once per chunk on both sides, as JMH's once per invocation.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.streamlearn.bench.CpuTimeRatio minibatch32 20};
 * arguments: the pair ({@code sgd}, {@code adam}, {@code minibatch32}, each also with the suffix
 * {@code batched}), {@code d}, rounds (40), events per slice (200,000; a batched pair rounds it down to whole
 * chunks). Results in docs/benchmarks.md, figure 5.
 */
public final class CpuTimeRatio {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Read once per event, as JMH reads {@code isDone}; never set. */
    private static volatile boolean stop;
    /** Where the predictions go, so that no side is optimized away (a static field: its stores stay). */
    private static double sink;

    private CpuTimeRatio() {
    }

    /** A raw loop: learns one event, returns its progressive prediction. */
    @FunctionalInterface
    private interface RawLoop {
        double learn(double[] x, double y);
    }

    /** See the class comment. */
    public static void main(String[] args) {
        String pair = args.length > 0 ? args[0] : "minibatch32";
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        int events = args.length > 3 ? Integer.parseInt(args[3]) : 200_000;
        boolean batched = pair.endsWith("batched");
        OnlineLearner learner;
        RawLoop raw;
        switch (batched ? pair.substring(0, pair.length() - "batched".length()) : pair) {
            case "sgd" -> {
                learner = OnlineLearner.create(LearnerBenchmark.sgdConfig(d));
                raw = new RawSgd(d, LearnerBenchmark.sgdRate(d), LearnerBenchmark.INTERCEPT_RATE)::learn;
            }
            case "adam" -> {
                learner = OnlineLearner.create(LearnerBenchmark.adamConfig(d));
                raw = new RawAdam(d, LearnerBenchmark.ADAM_RATE, LearnerBenchmark.INTERCEPT_RATE,
                        LearnerBenchmark.BETA1, LearnerBenchmark.BETA2, LearnerBenchmark.EPSILON)::learn;
            }
            case "minibatch32" -> {
                learner = OnlineLearner.create(LearnerBenchmark.minibatchConfig(d));
                raw = new RawMiniBatchSgd(d, LearnerBenchmark.BATCH, LearnerBenchmark.sgdRate(d),
                        LearnerBenchmark.INTERCEPT_RATE)::learn;
            }
            default -> throw new IllegalArgumentException("pair: sgd, adam or minibatch32, or one of them with the "
                    + "suffix batched, got " + pair);
        }
        if (batched) {
            int chunks = events / LearnerBenchmark.CHUNK;
            EventTable tableL = new EventTable(d, LearnerBenchmark.SEED);
            EventTable tableR = new EventTable(d, LearnerBenchmark.SEED);
            measure(pair, d, rounds, chunks * LearnerBenchmark.CHUNK,
                    () -> runLearnerBatched(learner, tableL, chunks), () -> runRawBatched(raw, tableR, chunks));
        } else {
            EventRing ringL = new EventRing(d, EventRing.rowsFor(d), LearnerBenchmark.SEED);
            EventRing ringR = new EventRing(d, EventRing.rowsFor(d), LearnerBenchmark.SEED);
            measure(pair, d, rounds, events, () -> runLearner(learner, ringL, events),
                    () -> runRaw(raw, ringR, events));
        }
    }

    /** Warms both sides up, then times {@code rounds} pairs of slices of {@code events} events and prints. */
    private static void measure(String pair, int d, int rounds, int events, Runnable learnerSlice,
            Runnable rawSlice) {
        for (int i = 0; i < 20; i++) {
            learnerSlice.run();
            rawSlice.run();
        }
        double[] ratio = new double[rounds];
        double[] nsLearner = new double[rounds];
        double[] nsRaw = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            learnerSlice.run();
            long t1 = THREADS.getCurrentThreadCpuTime();
            rawSlice.run();
            long t2 = THREADS.getCurrentThreadCpuTime();
            nsLearner[i] = (t1 - t0) / (double) events;
            nsRaw[i] = (t2 - t1) / (double) events;
            ratio[i] = nsRaw[i] / nsLearner[i];
        }
        Arrays.sort(ratio);
        Arrays.sort(nsLearner);
        Arrays.sort(nsRaw);
        System.out.printf(Locale.ROOT, "%s d=%d: ratio learner/raw median %.3f (quartiles %.3f-%.3f); CPU ns/event "
                + "median: learner %.2f, raw %.2f (%d pairs of %d events)%n", pair, d, ratio[rounds / 2],
                ratio[rounds / 4], ratio[3 * rounds / 4], nsLearner[rounds / 2], nsRaw[rounds / 2], rounds, events);
    }

    private static void runLearner(OnlineLearner learner, EventRing ring, int n) {
        double acc = 0.0;
        for (int i = 0; i < n && !stop; i++) {
            double[] x = ring.next();
            acc += learner.learn(x, ring.y()).prediction();
        }
        sink += acc;
    }

    private static void runRaw(RawLoop raw, EventRing ring, int n) {
        double acc = 0.0;
        for (int i = 0; i < n && !stop; i++) {
            double[] x = ring.next();
            acc += raw.learn(x, ring.y());
        }
        sink += acc;
    }

    private static void runLearnerBatched(OnlineLearner learner, EventTable t, int chunks) {
        double acc = 0.0;
        int chunk = LearnerBenchmark.CHUNK;
        for (int c = 0; c < chunks && !stop; c++) {
            int from = t.advance(chunk);
            learner.learnAll(t.xs, t.ys, null, from, from + chunk, t.predictions);
            acc += t.predictions[from + chunk - 1];
        }
        sink += acc;
    }

    private static void runRawBatched(RawLoop raw, EventTable t, int chunks) {
        double acc = 0.0;
        int chunk = LearnerBenchmark.CHUNK;
        double[][] xs = t.xs;
        double[] ys = t.ys;
        double[] p = t.predictions;
        for (int c = 0; c < chunks && !stop; c++) {
            int from = t.advance(chunk);
            for (int i = from; i < from + chunk; i++) {
                p[i] = raw.learn(xs[i], ys[i]);
            }
            acc += p[from + chunk - 1];
        }
        sink += acc;
    }
}
