package org.streamlearn.core.model;

import org.streamlearn.core.loss.CrossEntropyLoss;
import org.streamlearn.core.loss.LogLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;

/**
 * Progressive-validation bookkeeping of one learner: turns the scores of the prediction made before learning
 * into the {@link Outcome}'s prediction, probability, label and loss, and adds them to the state's
 * {@link ProgressiveMetrics} and {@link RollingLoss}.
 *
 * <p>One method per task, each small enough for C2 to inline into the per-event path (docs/benchmarks.md,
 * "How the ratios got there", item 5). Allocates nothing.
 */
final class MetricsRecorder {

    private final boolean regression;
    private final boolean binary;
    private final Loss loss;
    private final int k;
    private final ProgressiveMetrics metrics;
    private final RollingLoss rolling;

    /** A recorder for {@code config}'s task and loss, into {@code state}'s metrics (live). */
    MetricsRecorder(LearnerConfig config, LearnerState state) {
        this.regression = config.task() == Task.REGRESSION;
        this.binary = config.task() == Task.BINARY;
        this.loss = config.loss();
        this.k = config.outputs();
        this.metrics = state.metrics;
        this.rolling = state.rolling;
    }

    /**
     * Prepares the learner's reused outcome {@code o}: the fields that never change for the task (a regression's
     * probability NaN and label -1) are set here once, not on every event.
     */
    void prepare(Outcome o) {
        if (regression) {
            o.probability = Double.NaN;
            o.label = -1;
        }
    }

    /**
     * Records the progressive prediction {@code scores} of an event with label {@code y} into {@code o}, an
     * outcome {@link #prepare prepared} for this recorder.
     */
    void record(double y, double[] scores, Outcome o) {
        if (regression) {
            recordRegression(y, scores, o);
        } else if (binary) {
            recordBinary(y, scores, o);
        } else {
            recordMulticlass(y, scores, o);
        }
        rolling.add(o.loss);
    }

    private void recordRegression(double y, double[] scores, Outcome o) {
        double sc = scores[0];
        double pred = loss.link(sc);
        o.score = sc;
        o.prediction = pred;
        o.loss = loss.value(y, sc);
        metrics.addRegression(y, pred);
    }

    private void recordBinary(double y, double[] scores, Outcome o) {
        double sc = scores[0];
        double p = LogLoss.sigmoid(sc);
        int label = p > 0.5 ? 1 : 0;
        double l = loss.value(y, sc);
        o.score = sc;
        o.prediction = label;
        o.probability = p;
        o.label = label;
        o.loss = l;
        metrics.addBinary((int) y, label, l);
    }

    private void recordMulticlass(double y, double[] scores, Outcome o) {
        int label = CrossEntropyLoss.argmax(scores, k);
        double l = CrossEntropyLoss.INSTANCE.value((int) y, scores, k);
        o.score = scores[label];
        o.prediction = label;
        o.probability = Math.exp(scores[label] - CrossEntropyLoss.logSumExp(scores, k));
        o.label = label;
        o.loss = l;
        metrics.addMulticlass((int) y, label, l);
    }
}
