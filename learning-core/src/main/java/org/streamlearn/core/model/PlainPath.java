package org.streamlearn.core.model;

import org.streamlearn.core.loss.Loss;

/**
 * {@link OnlineLearner#learnAll} for a plain learner (a linear single-output model without standardization or
 * look-ahead, the one {@link OnlineLearner#learnPlain} learns): the loop over a run of events inside one compiled
 * method, with each event's work inlined into it. Justified by {@code LearnerBenchmark}'s
 * {@code minibatch32Batched} against {@code rawMinibatch32Batched} (docs/benchmarks.md, figure 5, "Fourth pass").
 *
 * <p>Per-sample steps (batches of one) call {@link OnlineLearner#learnPlain} for each event. With larger
 * batches the events up to the end of the open batch are taken together, in three phases: their predictions,
 * input checks, metrics and {@code ∂L/∂s} one after the other ({@link #predict}; the parameters do not change
 * within a batch, so no prediction depends on another event's gradient), then their gradients added to the
 * batch in the same order ({@link FastPaths#addAllToBatch}), then the batch's step when it is full
 * ({@link OnlineLearner#closeBatch}). Every sum is the per-event path's, in the same order, so the results are
 * bit for bit those of {@link OnlineLearner#learn}; only the interleaving of independent work differs. The
 * phases keep the loop small enough for C2 to inline {@link #predict} into it (a method compiled to more than
 * {@code InlineSmallCode}, 2,500 bytes of machine code, is never inlined: the third pass), and let the
 * gradients of four events be added in one pass over the batch.
 *
 * <p>Allocates its scratch of {@code ∂L/∂s} (at most {@value #SEGMENT} values) on its first run with batches,
 * then nothing. Not thread-safe, like its learner.
 */
final class PlainPath {

    /** The most events whose {@code ∂L/∂s} are kept before their gradients are added to the batch. */
    private static final int SEGMENT = 256;

    private final OnlineLearner learner;
    private final LearnerState state;
    private final Model model;
    private final Loss loss;
    private final int features;
    private final int batchSize;
    private final ExampleValidator validator;
    private final MetricsRecorder recorder;
    private final FastPaths fast;
    private final Outcome outcome;
    private final double[] scores;
    /** {@link #segmentScratch}, null until the first run with batches. */
    private double[] segment;

    /**
     * The runs of {@code learner}, a plain learner of {@code model} under {@code config} over {@code state}
     * (live), with its collaborators, its reused {@code outcome} ({@link MetricsRecorder#prepare prepared}) and
     * its scratch of one score.
     */
    PlainPath(OnlineLearner learner, LearnerConfig config, LearnerState state, Model model,
            ExampleValidator validator, MetricsRecorder recorder, FastPaths fast, Outcome outcome, double[] scores) {
        this.learner = learner;
        this.state = state;
        this.model = model;
        this.loss = config.loss();
        this.features = config.features();
        this.batchSize = config.batchSize();
        this.validator = validator;
        this.recorder = recorder;
        this.fast = fast;
        this.outcome = outcome;
        this.scores = scores;
    }

    /**
     * The events {@code xs[from..to)} with labels {@code ys[from..to)} and weights {@code weights[from..to)}
     * (1 when null), each as {@link OnlineLearner#learn}, and the prediction of event {@code i} into
     * {@code predictions[i]} when that is not null. The ranges are checked by the caller.
     *
     * @throws InvalidExampleException at the first invalid event, which is not learned (those before it are)
     */
    void learnAll(double[][] xs, double[] ys, double[] weights, int from, int to, double[] predictions) {
        if (batchSize == 1) {
            learnEach(xs, ys, weights, from, to, predictions);
            return;
        }
        LearnerState s = state;
        Outcome o = outcome;
        double[] sc = scores;
        double[] dcs = segmentScratch();
        int i = from;
        while (i < to) {
            // up to the end of the open batch (at least one event, as the per-event path adds before it closes)
            int end = i + Math.min(to - i, Math.min(dcs.length, Math.max(1, batchSize - s.batchCount)));
            int k = i;
            double sumSquares = 0.0;
            try {
                for (; k < end; k++) {
                    double[] x = xs[k];
                    double y = ys[k];
                    double weight = weights == null ? 1.0 : weights[k];
                    if (x == null || x.length != features) {
                        validator.validate(x, y, weight);
                    }
                    o.begin();
                    sumSquares = predict(x, y, weight, o);
                    dcs[k - i] = loss.derivative(y, sc[0]) * weight;
                    if (predictions != null) {
                        predictions[k] = o.prediction;
                    }
                }
            } finally {
                // also when event k is invalid: the events before it are learned
                fast.addAllToBatch(dcs, xs, i, k - i);
                s.seen += k - i;
            }
            if (s.batchCount >= batchSize) {
                learner.closeBatch(o, dcs[k - i - 1], sumSquares);
            }
            i = end;
        }
    }

    /** {@link #learnAll} with per-sample steps: {@link OnlineLearner#learnPlain} for each event. */
    private void learnEach(double[][] xs, double[] ys, double[] weights, int from, int to, double[] predictions) {
        Outcome o = outcome;
        for (int i = from; i < to; i++) {
            double[] x = xs[i];
            double y = ys[i];
            double weight = weights == null ? 1.0 : weights[i];
            if (x == null || x.length != features) {
                validator.validate(x, y, weight);
            }
            o.begin();
            learner.learnPlain(x, y, weight, o);
            if (predictions != null) {
                predictions[i] = o.prediction;
            }
        }
    }

    /**
     * {@link OnlineLearner#learnPlain}'s first steps: the progressive prediction into {@link #scores} with
     * {@code ‖x‖²} alongside, the input check on it and the metrics; returns {@code ‖x‖²}.
     */
    private double predict(double[] x, double y, double weight, Outcome o) {
        double[] sc = scores;
        double sumSquares = model.forwardSumSquares(state.params, x, sc);
        fast.checkExample(x, y, weight, sumSquares);
        recorder.record(y, sc, o);
        return sumSquares;
    }

    /** The {@code ∂L/∂s} of a segment's events: up to a batch, at most {@value #SEGMENT}; made on first use. */
    private double[] segmentScratch() {
        double[] dcs = segment;
        if (dcs == null) {
            dcs = new double[Math.min(batchSize, SEGMENT)];
            segment = dcs;
        }
        return dcs;
    }
}
