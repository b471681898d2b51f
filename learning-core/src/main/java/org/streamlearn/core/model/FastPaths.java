package org.streamlearn.core.model;

import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.schedule.LearningRateSchedule;

/**
 * The learner's fast paths, in one place: each gives the general path's results bit for bit (only
 * {@code lastGradientNorm}'s last bits may differ where no clipping is configured) and is kept because a JMH
 * figure justifies it. The figures are {@code SgdOverheadBenchmark}'s in docs/benchmarks.md, "Where the time
 * went" (per-sample SGD, learner-like {@code replica} at 23.7 M events/s at d = 20 and 527 k at d = 1000,
 * against the raw loop's 52.5 M and 1.670 M), and their outcome in {@code LearnerBenchmark}'s ratios.
 *
 * <ul>
 *   <li>{@link #checkExample}: the input check rides on the prediction's pass;</li>
 *   <li>{@link #knownNormSquared}: {@code ‖g‖²} of a linear single-output step without a pass over {@code g};</li>
 *   <li>{@link #sumOfSquares}: otherwise {@code ‖g‖²} in four independent partial sums;</li>
 *   <li>{@link #fusedSgdStep}: per-sample SGD applies the gradient as it computes it;</li>
 *   <li>{@link #addToBatch}: a linear single-output model adds {@code ∂L/∂s·(x, 1)} to its batch directly;</li>
 *   <li>{@link #fusedBatchStep}: mini-batch SGD takes the mean, its norm and the step in two passes;</li>
 *   <li>the fifth, the divergence guard's scalar bound instead of a backup and a scan per step, is the guard's
 *       own business: {@link DivergenceGuard#admits}.</li>
 * </ul>
 *
 * <p>Allocates nothing.
 */
final class FastPaths {

    private final LearnerState state;
    private final ExampleValidator validator;
    private final DivergenceGuard guard;
    private final LearningRateSchedule schedule;
    private final double maxSquares;
    private final double maxAbs;
    private final int nw;
    private final boolean ilr;
    private final double interceptRate;
    /** A linear single-output model stepping on one event, without l2 or clipping: {@code g = ∂L/∂s·(x, 1)}. */
    private final boolean singleEventNorm;
    /** Whether {@link #fusedSgdStep} applies: {@link #singleEventNorm}, plain SGD and no l1. */
    final boolean fusedSgd;
    /** Whether {@link #addToBatch} applies: a linear single-output model (its gradient ignores the point). */
    final boolean linearBatch;
    /**
     * Whether {@link #fusedBatchStep} applies: {@link #linearBatch}, batches of more than one, plain SGD, no l1,
     * l2 or clipping.
     */
    final boolean fusedBatchSgd;

    /** The fast paths of a learner of {@code model} under {@code config} over {@code state} (live). */
    FastPaths(LearnerConfig config, LearnerState state, Model model, ExampleValidator validator,
            DivergenceGuard guard) {
        this.state = state;
        this.validator = validator;
        this.guard = guard;
        this.schedule = config.schedule();
        double squares = config.maxAbsValue() * config.maxAbsValue();
        // above about 1.34e154 the square overflows: an infinite bound would let an infinite Σx² through
        this.maxSquares = squares < Double.POSITIVE_INFINITY ? squares : Double.MAX_VALUE;
        this.maxAbs = config.maxAbsValue();
        this.nw = model.weightCount();
        this.ilr = config.hasInterceptLearningRate();
        this.interceptRate = config.interceptLearningRate();
        this.singleEventNorm = model instanceof LinearModel && config.outputs() == 1 && config.batchSize() == 1
                && config.l2() == 0.0 && !config.hasClipNorm();
        this.fusedSgd = singleEventNorm && config.optimizer() instanceof Sgd && config.l1() == 0.0;
        this.linearBatch = model instanceof LinearModel && config.outputs() == 1;
        this.fusedBatchSgd = linearBatch && config.batchSize() > 1 && config.optimizer() instanceof Sgd
                && config.l1() == 0.0 && config.l2() == 0.0 && !config.hasClipNorm();
    }

    /**
     * The fast check of an example, on {@code Σ x_j²} from the prediction's pass (nothing has changed yet): a
     * non-finite value or one above {@code maxAbsValue} makes it exceed {@code maxAbsValue²} or not be finite;
     * only then, or for a doubtful weight or label, does {@link ExampleValidator#validate} look for the culprit
     * and throw. Justified by {@code SgdOverheadBenchmark}'s {@code replica} without the validation pass:
     * 32.3 M against 23.7 M events/s at d = 20, 655 k against 527 k at d = 1000 (≈ 370 ns per event).
     */
    void checkExample(double[] x, double y, double weight, double sumSquares) {
        if (!(sumSquares <= maxSquares) || !(weight >= 0 && weight <= maxAbs)
                || !validator.labelPlausible(y)) {
            validator.validate(x, y, weight);
        }
    }

    /**
     * {@code ‖g‖²} of the coming step when it needs no pass over {@code g}: for a linear single-output model
     * stepping on one event without l2, {@code g = ∂L/∂s·(x, 1)}, so {@code ‖g‖² = (∂L/∂s)²·(‖x‖² + 1)} from
     * {@code ‖x‖²} summed in the prediction's pass; else NaN (the step then sums it). Justified by
     * {@code SgdOverheadBenchmark}'s {@code replica} without {@code ‖g‖²}: 31.4 M against 23.7 M events/s at
     * d = 20, 739 k against 527 k at d = 1000 (≈ 550 ns per event).
     */
    double knownNormSquared(double dScore, double xSquares) {
        return singleEventNorm ? dScore * dScore * (xSquares + 1.0) : Double.NaN;
    }

    /**
     * {@code Σ g²} over {@code g[0..n)}. With clipping ({@code ordered}), where the norm scales every step, in
     * the reference's order (weights row by row, then intercepts); otherwise, where it only feeds the
     * diagnostics and the guard, in four partial sums that break the dependency chain. Justified by
     * {@code SgdOverheadBenchmark}'s {@code replica} with {@code ‖g‖²} in four lanes: 637 k against 527 k
     * events/s at d = 1000.
     */
    static double sumOfSquares(double[] g, int n, boolean ordered) {
        if (ordered) {
            double sq = 0.0;
            for (int i = 0; i < n; i++) {
                sq += g[i] * g[i];
            }
            return sq;
        }
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
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
     * Per-sample SGD on a linear single-output model without l1, l2 or clipping (when {@link #fusedSgd}): the
     * gradient {@code ∂L/∂s·(x, 1)} is applied as it is computed, in one pass, with exactly the arithmetic of
     * the general path ({@code g_j = ∂L/∂s·x_j}, then {@code w_j −= lr·g_j}), and counts the event as seen.
     * Returns false, having changed nothing, when the divergence guard's bound cannot vouch for the step (the
     * general path then runs). Justified by {@code SgdOverheadBenchmark}'s {@code fused}: 48.6 M against
     * 23.7 M events/s at d = 20, 1.460 M against 527 k at d = 1000; {@code LearnerBenchmark}'s SGD ratio is
     * 0.70 and 0.98.
     */
    boolean fusedSgdStep(Outcome o, double dc, double[] xl, double xlSquares) {
        LearnerState s = state;
        double sq = dc * dc * (xlSquares + 1.0);
        if (!(sq < Double.POSITIVE_INFINITY)) {
            return false;
        }
        long kStep = s.optimizer.step();
        double lr = schedule.rateAt(kStep);
        double norm = Math.sqrt(sq);
        if (!guard.admits(norm, lr, kStep)) {
            return false;
        }
        s.seen++;
        s.lastGradientNorm = norm;
        s.lastLearningRate = lr;
        double[] w = s.params;
        int d = nw;
        for (int j = 0; j < d; j++) {
            w[j] -= lr * (dc * xl[j]);
        }
        w[d] -= (ilr ? interceptRate : lr) * dc;
        s.optimizer.advance();
        o.stepped = true;
        return true;
    }

    /**
     * Adds the gradient {@code ∂L/∂s·(x, 1)} of a linear single-output model (when {@link #linearBatch}) to the
     * open batch, with exactly {@link LinearModel#backward}'s arithmetic (a linear model's gradient does not
     * depend on the point it is taken at), without the generic call and its loop over outputs. Justified by
     * {@code LearnerBenchmark}'s {@code minibatch32} against {@code rawMinibatch32} (docs/benchmarks.md, figure 5).
     */
    void addToBatch(double dc, double[] xl) {
        LearnerState s = state;
        double[] g = s.batchGradient;
        int d = nw;
        if (s.batchCount > 0) {
            for (int j = 0; j < d; j++) {
                g[j] += dc * xl[j];
            }
            g[d] += dc;
        } else {
            for (int j = 0; j < d; j++) {
                g[j] = dc * xl[j];
            }
            g[d] = dc;
        }
        s.batchCount++;
    }

    /**
     * {@link #addToBatch} for {@code count} events in turn, event {@code i}'s {@code ∂L/∂s} being {@code dcs[i]}
     * and its features {@code xs[from + i]}: the same sums in the same order, four events per pass over the
     * batch, {@code g_j ← (((g_j + a_0·x_0j) + a_1·x_1j) + a_2·x_2j) + a_3·x_3j}, each product and each sum
     * rounded as {@link #addToBatch} rounds them, so that the batch is read and written once per four events
     * instead of once per event (a batch's first event is {@link #addToBatch}'s, which assigns). For
     * {@link PlainPath#learnAll}; justified like {@link #addToBatch}.
     */
    void addAllToBatch(double[] dcs, double[][] xs, int from, int count) {
        LearnerState s = state;
        int i = 0;
        if (count > 0 && s.batchCount == 0) {
            addToBatch(dcs[0], xs[from]);
            i = 1;
        }
        double[] g = s.batchGradient;
        int d = nw;
        for (; i + 3 < count; i += 4) {
            double a0 = dcs[i];
            double a1 = dcs[i + 1];
            double a2 = dcs[i + 2];
            double a3 = dcs[i + 3];
            double[] x0 = xs[from + i];
            double[] x1 = xs[from + i + 1];
            double[] x2 = xs[from + i + 2];
            double[] x3 = xs[from + i + 3];
            for (int j = 0; j < d; j++) {
                g[j] = (((g[j] + a0 * x0[j]) + a1 * x1[j]) + a2 * x2[j]) + a3 * x3[j];
            }
            g[d] = (((g[d] + a0) + a1) + a2) + a3;
            s.batchCount += 4;
        }
        for (; i < count; i++) {
            addToBatch(dcs[i], xs[from + i]);
        }
    }

    /**
     * Closes a full batch of mini-batch SGD (when {@link #fusedBatchSgd}) and takes its step: the mean
     * ({@link MiniBatch#close}'s {@code g_i /= m}) and {@code ‖g‖²} ({@link #sumOfSquares}'s four lanes) in one
     * pass, then {@code w_j −= lr·g_j} and the intercept's step in a second, with exactly
     * {@link GradientStep}'s arithmetic. Returns false when the norm is not finite or the divergence guard's bound
     * cannot vouch for the step: the batch is then closed (the mean in the state's buffer) and nothing else has
     * changed, and the caller takes the general step on that buffer. Justified like {@link #addToBatch}.
     */
    boolean fusedBatchStep(Outcome o) {
        LearnerState s = state;
        double[] g = s.batchGradient;
        int m = s.batchCount;
        s.batchCount = 0;
        int n = nw + 1;
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double a0 = g[i] / m;
            double a1 = g[i + 1] / m;
            double a2 = g[i + 2] / m;
            double a3 = g[i + 3] / m;
            g[i] = a0;
            g[i + 1] = a1;
            g[i + 2] = a2;
            g[i + 3] = a3;
            s0 += a0 * a0;
            s1 += a1 * a1;
            s2 += a2 * a2;
            s3 += a3 * a3;
        }
        for (; i < n; i++) {
            double a = g[i] / m;
            g[i] = a;
            s0 += a * a;
        }
        double sq = (s0 + s1) + (s2 + s3);
        if (!(sq < Double.POSITIVE_INFINITY)) {
            return false;
        }
        long kStep = s.optimizer.step();
        double lr = schedule.rateAt(kStep);
        double norm = Math.sqrt(sq);
        if (!guard.admits(norm, lr, kStep)) {
            return false;
        }
        s.lastGradientNorm = norm;
        s.lastLearningRate = lr;
        double[] w = s.params;
        int d = nw;
        for (int j = 0; j < d; j++) {
            w[j] -= lr * g[j];
        }
        w[d] -= (ilr ? interceptRate : lr) * g[d];
        s.optimizer.advance();
        o.stepped = true;
        return true;
    }
}
