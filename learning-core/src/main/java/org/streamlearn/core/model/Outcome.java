package org.streamlearn.core.model;

/**
 * What {@link OnlineLearner#learn} did with one event: the progressive prediction made before learning, its
 * loss, and whether a step was taken or refused. A learner reuses one instance (read it before the next call).
 */
public final class Outcome {

    double score;
    double prediction;
    double probability;
    int label;
    double loss;
    boolean stepped;
    boolean refused;
    String refusal;

    /**
     * Starts an event: not stepped, not refused. The refusal is cleared only when there was one (a flag test
     * instead of two stores and a reference store's barrier on every event).
     */
    void begin() {
        stepped = false;
        if (refused) {
            refused = false;
            refusal = null;
        }
    }

    /** Raw score (regression, binary) or the score of the predicted class (multiclass). */
    public double score() {
        return score;
    }

    /** The prediction: the value (regression) or the predicted label (classification). */
    public double prediction() {
        return prediction;
    }

    /** Probability of class 1 (binary) or of the predicted class (multiclass); NaN for regression. */
    public double probability() {
        return probability;
    }

    /** Predicted label (classification), else -1. */
    public int label() {
        return label;
    }

    /** Loss of the progressive prediction (unweighted). */
    public double loss() {
        return loss;
    }

    /** Whether this event completed a batch and an optimizer step was applied. */
    public boolean stepped() {
        return stepped;
    }

    /** Whether the divergence guard refused this event's step (the model kept its last finite state). */
    public boolean refused() {
        return refused;
    }

    /** Why the step was refused, or null. */
    public String refusal() {
        return refusal;
    }
}
