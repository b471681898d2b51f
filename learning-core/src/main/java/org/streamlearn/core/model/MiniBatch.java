package org.streamlearn.core.model;

import org.streamlearn.core.optim.Optimizer;

/**
 * The open mini-batch of one learner: the point its gradients are taken at, their running sum and count (kept
 * in the {@link LearnerState}, so a buffered event survives a snapshot), and the mean gradient it closes with.
 *
 * <p>Every event's gradient is taken at the parameters as they stood before the batch's step: {@code w} itself,
 * or under a look-ahead optimizer (Nesterov) {@code w − ρv} on the optimizer's coordinates, computed once per
 * batch. With {@code batchSize} 1 this is exactly the per-sample step. Allocates nothing after construction.
 */
final class MiniBatch {

    private final LearnerState state;
    private final Model model;
    private final Optimizer optimizer;
    private final int batchSize;
    private final int n;
    private final int nw;
    private final int optimizerEnd;
    private final double l2;
    private final boolean lookAhead;
    private final double[] evalParams;
    private boolean evalParamsValid;

    /** The batch of {@code state} (live) for {@code model} under {@code config}. */
    MiniBatch(LearnerConfig config, LearnerState state, Model model) {
        this.state = state;
        this.model = model;
        this.optimizer = config.optimizer();
        this.batchSize = config.batchSize();
        this.n = model.parameterCount();
        this.nw = model.weightCount();
        this.optimizerEnd = config.hasInterceptLearningRate() ? nw : n;
        this.l2 = config.l2();
        this.lookAhead = optimizer.looksAhead();
        this.evalParams = lookAhead ? new double[n] : null;
    }

    /** Whether gradients are taken at a look-ahead point rather than at the parameters. */
    boolean looksAhead() {
        return lookAhead;
    }

    /** The point the next event's gradient is taken at (live; the parameters themselves without look-ahead). */
    double[] point() {
        if (!lookAhead) {
            return state.params;
        }
        if (state.batchCount == 0 || !evalParamsValid) {
            lookAheadPoint();
        }
        return evalParams;
    }

    /** Adds the gradient of an event with score derivatives {@code dScores} at {@code at} to the batch. */
    void add(double[] at, double[] x, double[] dScores) {
        LearnerState s = state;
        model.backward(at, x, dScores, s.batchGradient, s.batchCount > 0);
        s.batchCount++;
    }

    /** Whether the batch holds {@code batchSize} events. */
    boolean full() {
        return state.batchCount >= batchSize;
    }

    /** Whether no event is buffered. */
    boolean isEmpty() {
        return state.batchCount == 0;
    }

    /**
     * Closes the batch: the mean of its gradients, plus {@code l2·w} on the weights at the point the gradients
     * were taken; the batch is then empty.
     *
     * @return the gradient of the step, in the state's batch buffer (live)
     */
    double[] close() {
        LearnerState s = state;
        double[] g = s.batchGradient;
        int m = s.batchCount;
        s.batchCount = 0;
        if (m > 1) {
            for (int i = 0; i < n; i++) {
                g[i] /= m;
            }
        }
        if (l2 != 0.0) {
            addL2(g);
        }
        evalParamsValid = false;
        return g;
    }

    private void addL2(double[] g) {
        if (lookAhead && !evalParamsValid) {
            // a restored learner flushing before its next event: the look-ahead point of the open batch
            lookAheadPoint();
        }
        double[] at = lookAhead ? evalParams : state.params;
        for (int i = 0; i < nw; i++) {
            g[i] += l2 * at[i];
        }
    }

    /** The look-ahead point of the open batch: {@code w − ρv} on the optimizer's coordinates. */
    private void lookAheadPoint() {
        LearnerState s = state;
        optimizer.lookAhead(s.params, s.optimizer.slots(), 0, optimizerEnd, evalParams);
        if (optimizerEnd < n) {
            System.arraycopy(s.params, optimizerEnd, evalParams, optimizerEnd, n - optimizerEnd);
        }
        evalParamsValid = true;
    }
}
