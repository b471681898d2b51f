package org.streamlearn.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Where the learner's per-sample SGD path spends its time: the raw SGD loop ({@link RawSgd}'s arithmetic); the
 * same loop with every extra pass of {@code OnlineLearner.learn} written as the learner writes it
 * ({@code replica}, which runs close to {@code LearnerBenchmark.sgd} less the metrics); {@code replica} less one
 * piece, or with one piece in a cheaper form; and {@code fused}, the same checks folded into the prediction's
 * pass. Every variant learns the same parameters bit for bit and refuses the same steps; only
 * {@code lastGradientNorm}'s last bits differ where it is summed in another order.
 *
 * <p>Each variant removes or replaces one piece of {@code replica}; measured in context, because the CPU overlaps
 * a pass that nothing waits for with the next one, a piece costs less than it does alone.
 *
 * <p>The extras of the learner: input validation ({@code |x_j| <= maxAbsValue}, finite), the gradient written to
 * its own array, {@code ‖g‖²} for the guard and clipping, the backup copy of the parameters, and a finiteness
 * probe ({@code probe += w'·0}) in the optimizer's loop. A floating-point sum is a serial chain (the JIT may not
 * reassociate it), so the two extra reductions each cost about as much as the prediction's dot product.
 * Metrics are left out here (a few scalar updates per event). A diagnostic, not a target: the learner's figures
 * are in {@link LearnerBenchmark}.
 */
public class SgdOverheadBenchmark extends ThroughputBenchmark {

    private static final double MAX_ABS = 1e18;

    /** Feature dimension. */
    @Param({"20", "1000"})
    public int d;

    private EventRing ring;
    private double[] w;
    private double b;
    private double[] g;
    private double[] backup;
    private double lr;
    private long refused;
    private double lastNorm;
    private double weightBound;
    private static final double SAFE_BOUND = 1e300;

    /** The ring and zero parameters. */
    @Setup
    public void setUp() {
        ring = new EventRing(d, EventRing.rowsFor(d), LearnerBenchmark.SEED);
        w = new double[d];
        g = new double[d + 1];
        backup = new double[d + 1];
        lr = LearnerBenchmark.sgdRate(d);
    }

    /** The parameters, weights then intercept (for the test that every variant learns the same model). */
    double[] parameters() {
        double[] out = java.util.Arrays.copyOf(w, d + 1);
        out[d] = b;
        return out;
    }

    // ---- building blocks, written as OnlineLearner / LinearModel / Sgd write them

    private static void validate(double[] x, double max) {
        for (int j = 0; j < x.length; j++) {
            if (!(Math.abs(x[j]) <= max)) {
                throw new IllegalArgumentException("features[" + j + "]");
            }
        }
    }

    private double predict(double[] x) {
        double s = 0.0;
        for (int j = 0; j < d; j++) {
            s += w[j] * x[j];
        }
        return s + b;
    }

    private void fusedStep(double[] x, double dc) {
        for (int j = 0; j < d; j++) {
            w[j] -= lr * (dc * x[j]);
        }
        b -= LearnerBenchmark.INTERCEPT_RATE * dc;
    }

    private void backward(double[] x, double dc) {
        for (int j = 0; j < d; j++) {
            g[j] = dc * x[j];
        }
        g[d] = dc;
    }

    private double normSquared() {
        double sq = 0.0;
        for (int i = 0; i <= d; i++) {
            sq += g[i] * g[i];
        }
        return sq;
    }

    private double probedStep() {
        double probe = 0.0;
        for (int i = 0; i < d; i++) {
            double nw = w[i] - lr * g[i];
            w[i] = nw;
            probe += nw * 0.0;
        }
        double nb = b - LearnerBenchmark.INTERCEPT_RATE * g[d];
        b = nb;
        return probe + nb * 0.0;
    }

    // ---- cheaper forms of the same checks

    /** {@code ‖g‖²} in four independent lanes (a different rounding from the serial sum). */
    private double normSquared4() {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int n = d + 1;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += g[i] * g[i];
            s1 += g[i + 1] * g[i + 1];
            s2 += g[i + 2] * g[i + 2];
            s3 += g[i + 3] * g[i + 3];
        }
        for (; i < n; i++) {
            s0 += g[i] * g[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The step behind a scalar bound instead of a per-coordinate probe: {@code |w_i − lr·g_i| <= W + lr·‖g‖}
     * where {@code W >= max |w_i|}, so while {@code W + lr·‖g‖} is far below {@code Double.MAX_VALUE} no
     * coordinate can become non-finite and neither the backup nor the probe is needed; otherwise the guarded
     * path runs and {@code W} is recomputed exactly.
     */
    private void boundedStep(double norm) {
        double delta = Math.max(lr, LearnerBenchmark.INTERCEPT_RATE) * norm;
        if (weightBound + delta < SAFE_BOUND) {
            for (int i = 0; i < d; i++) {
                w[i] -= lr * g[i];
            }
            b -= LearnerBenchmark.INTERCEPT_RATE * g[d];
            weightBound += delta;
            return;
        }
        System.arraycopy(w, 0, backup, 0, d);
        backup[d] = b;
        if (Double.isNaN(probedStep())) {
            System.arraycopy(backup, 0, w, 0, d);
            b = backup[d];
            refused++;
        }
        double m = Math.abs(b);
        for (int i = 0; i < d; i++) {
            m = Math.max(m, Math.abs(w[i]));
        }
        weightBound = m;
    }

    // ---- the benchmarks; each returns the progressive prediction

    private static final int NORM_SERIAL = 0;
    private static final int NORM_FOUR_LANES = 1;
    private static final int NORM_NONE = 2;

    /**
     * The learner's per-sample SGD path with its parts switched by constants (folded by the JIT): the
     * validation pass, the gradient norm (serial as now, four lanes, or none), and the guard (backup copy and
     * probe as now, or the scalar bound of {@link #boundedStep}).
     */
    private double path(boolean validation, int normMode, boolean probeAndBackup) {
        double[] x = ring.next();
        if (validation) {
            validate(x, MAX_ABS);
        }
        double p = predict(x);
        backward(x, 2.0 * (p - ring.y()));
        double sq = 0.0;
        if (normMode == NORM_SERIAL) {
            sq = normSquared();
        } else if (normMode == NORM_FOUR_LANES) {
            sq = normSquared4();
        }
        lastNorm = Math.sqrt(sq);
        if (!Double.isFinite(sq)) {
            refused++;
            return p;
        }
        if (probeAndBackup) {
            System.arraycopy(w, 0, backup, 0, d);
            backup[d] = b;
            if (Double.isNaN(probedStep())) {
                System.arraycopy(backup, 0, w, 0, d);
                b = backup[d];
                refused++;
            }
        } else {
            boundedStep(lastNorm);
        }
        return p;
    }

    /** The raw loop: dot product, fused update. */
    @Benchmark
    public double raw() {
        double[] x = ring.next();
        double p = predict(x);
        fusedStep(x, 2.0 * (p - ring.y()));
        return p;
    }

    /** Every extra, as the learner writes it (no metrics): validation, gradient array, ‖g‖², backup, probe. */
    @Benchmark
    public double replica() {
        return path(true, NORM_SERIAL, true);
    }

    /** {@link #replica} without the validation pass. */
    @Benchmark
    public double replicaWithoutValidation() {
        return path(false, NORM_SERIAL, true);
    }

    /** {@link #replica} without {@code ‖g‖²} (the guard then relies on the probe alone). */
    @Benchmark
    public double replicaWithoutNorm() {
        return path(true, NORM_NONE, true);
    }

    /** {@link #replica} with {@code ‖g‖²} summed in four independent lanes. */
    @Benchmark
    public double replicaNormFourLanes() {
        return path(true, NORM_FOUR_LANES, true);
    }

    /** {@link #replica} with the scalar bound instead of the backup copy and the probe. */
    @Benchmark
    public double replicaBoundedStep() {
        return path(true, NORM_SERIAL, false);
    }

    /**
     * What a linear model allows: validation and {@code ‖x‖²} summed in the prediction's pass (independent of
     * its latency-bound chain, so nearly free), {@code ‖g‖² = g²·(‖x‖² + 1)} without a pass over the gradient,
     * the step fused with the gradient (no gradient array) behind the scalar bound.
     */
    @Benchmark
    public double fused() {
        double[] x = ring.next();
        double s = 0.0;
        double xx = 0.0;
        int bad = 0;
        for (int j = 0; j < d; j++) {
            double v = x[j];
            bad += Math.abs(v) <= MAX_ABS ? 0 : 1;
            s += w[j] * v;
            xx += v * v;
        }
        if (bad != 0) {
            validate(x, MAX_ABS); // throws, naming the field
        }
        double p = s + b;
        double dc = 2.0 * (p - ring.y());
        double sq = dc * dc * (xx + 1.0);
        lastNorm = Math.sqrt(sq);
        if (!Double.isFinite(sq)) {
            refused++;
            return p;
        }
        double delta = Math.max(lr, LearnerBenchmark.INTERCEPT_RATE) * lastNorm;
        if (weightBound + delta < SAFE_BOUND) {
            fusedStep(x, dc);
            weightBound += delta;
        } else {
            backward(x, dc);
            boundedStep(lastNorm);
        }
        return p;
    }
}
