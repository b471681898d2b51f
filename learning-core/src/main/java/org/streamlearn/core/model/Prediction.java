package org.streamlearn.core.model;

/**
 * A prediction served from a model.
 *
 * @param scores        raw scores (one, or one per class)
 * @param value         the prediction: the value (regression) or the predicted label (classification)
 * @param probabilities probabilities of classes 0..K−1 (binary: {@code [1−p, p]}); null for regression
 */
public record Prediction(double[] scores, double value, double[] probabilities) {
}
