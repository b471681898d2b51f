package org.streamlearn.core.model;

import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.OptimizerState;
import org.streamlearn.core.schedule.LearningRateSchedule;

/**
 * One optimizer step of a learner, on a closed batch's gradient: its norm, clipping by norm, the
 * {@link DivergenceGuard}'s verdict, then the optimizer on its coordinates, plain SGD on the intercepts when
 * {@code interceptLearningRate} is set, and the proximal L1 step on the weights. Allocates nothing.
 */
final class GradientStep {

    private final LearnerState state;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final DivergenceGuard guard;
    private final int n;
    private final int nw;
    private final int optimizerEnd;
    private final boolean ilr;
    private final double interceptRate;
    private final boolean hasClipNorm;
    private final double clipNorm;
    private final double l1;

    /** The step of {@code state} (live) for {@code model} under {@code config}, guarded by {@code guard}. */
    GradientStep(LearnerConfig config, LearnerState state, Model model, DivergenceGuard guard) {
        this.state = state;
        this.optimizer = config.optimizer();
        this.schedule = config.schedule();
        this.guard = guard;
        this.n = model.parameterCount();
        this.nw = model.weightCount();
        this.ilr = config.hasInterceptLearningRate();
        this.interceptRate = config.interceptLearningRate();
        this.optimizerEnd = ilr ? nw : n;
        this.hasClipNorm = config.hasClipNorm();
        this.clipNorm = config.clipNorm();
        this.l1 = config.l1();
    }

    /**
     * Takes the step with gradient {@code g} (scaled in place when clipped) and reports it in {@code o}.
     *
     * @param knownNormSquared {@code ‖g‖²} when the caller knows it ({@link FastPaths#knownNormSquared}), else NaN
     */
    void take(Outcome o, double[] g, double knownNormSquared) {
        LearnerState s = state;
        double sq = Double.isNaN(knownNormSquared) ? FastPaths.sumOfSquares(g, n, hasClipNorm) : knownNormSquared;
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(sq)) {
            norm = scaledNorm(g);
        }
        OptimizerState os = s.optimizer;
        long kStep = os.step();
        double lr = optimizer.usesSchedule() ? schedule.rateAt(kStep) : Double.NaN;
        s.lastGradientNorm = norm;
        s.lastLearningRate = lr;
        if (!Double.isFinite(norm)) {
            guard.refuse(o, "gradient is not finite (norm " + norm + ")");
            return;
        }
        double applied = norm;
        if (hasClipNorm && norm > clipNorm) {
            clip(g, clipNorm / norm);
            applied = clipNorm;
        }
        if (guard.admits(applied, lr, kStep)) {
            apply(g, lr, kStep);
            os.advance();
            o.stepped = true;
            return;
        }
        guard.backup();
        apply(g, lr, kStep);
        if (guard.keepOrRestore()) {
            os.advance();
            o.stepped = true;
        } else {
            guard.refuse(o, "the step would make a parameter or optimizer slot non-finite (gradient norm " + norm
                    + ", learning rate " + lr + ")");
        }
    }

    /** The optimizer step, plain SGD on the intercepts when their rate is set, then proximal L1. */
    private void apply(double[] g, double lr, long kStep) {
        double[] w = state.params;
        optimizer.apply(w, g, state.optimizer.slots(), 0, optimizerEnd, lr, kStep);
        if (ilr) {
            double rate = interceptRate;
            for (int i = nw; i < n; i++) {
                w[i] -= rate * g[i];
            }
        }
        if (l1 != 0.0 && !optimizer.ownsL1()) {
            double t = lr * l1;
            for (int i = 0; i < nw; i++) {
                double wi = w[i];
                double a = Math.abs(wi) - t;
                w[i] = a > 0 ? Math.signum(wi) * a : 0.0;
            }
        }
    }

    private void clip(double[] g, double c) {
        for (int i = 0; i < n; i++) {
            g[i] *= c;
        }
    }

    /** ‖g‖ without overflow (the plain sum of squares overflowed): NaN or ∞ only if a component is. */
    private double scaledNorm(double[] g) {
        double max = 0.0;
        for (int i = 0; i < n; i++) {
            double a = Math.abs(g[i]);
            if (!(a < Double.POSITIVE_INFINITY)) {
                return a;
            }
            max = Math.max(max, a);
        }
        double sq = 0.0;
        for (int i = 0; i < n; i++) {
            double r = g[i] / max;
            sq += r * r;
        }
        return max * Math.sqrt(sq);
    }
}
