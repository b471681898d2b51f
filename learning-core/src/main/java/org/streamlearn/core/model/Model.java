package org.streamlearn.core.model;

/**
 * A differentiable map from a feature vector to raw scores, over a flat parameter vector owned by the caller.
 *
 * <p>Layout contract: parameters {@code [0, weightCount())} are weights (l2 and l1 apply to them);
 * {@code [weightCount(), parameterCount())} are intercepts/biases (never regularized; stepped by plain SGD at
 * {@code interceptLearningRate} when that is set). A model instance owns scratch buffers (activations of the
 * last {@link #forward}) and is therefore not thread-safe; {@link #backward} uses the activations of the last
 * forward pass, which must have been made with the same parameters and input.
 */
public interface Model {

    /** Input dimension. */
    int inputs();

    /** Number of raw scores (1, or the number of classes). */
    int outputs();

    /** Length of the parameter vector. */
    int parameterCount();

    /** Number of leading weight coordinates; the rest are intercepts. */
    int weightCount();

    /** Writes the initial parameters (zeros for linear models). */
    void initialize(double[] params);

    /** Raw scores of {@code x} into {@code scores[0..outputs())}; caches activations for {@link #backward}. */
    void forward(double[] params, double[] x, double[] scores);

    /**
     * {@link #forward}, also returning {@code Σ x_j²} of the input (the learner's input check rides on the
     * prediction's pass over {@code x}). The default makes a second pass; models override it to fuse the two.
     */
    default double forwardSumSquares(double[] params, double[] x, double[] scores) {
        forward(params, x, scores);
        double sq = 0.0;
        for (double v : x) {
            sq += v * v;
        }
        return sq;
    }

    /**
     * The gradient of the loss with respect to every parameter, given {@code dScores = ∂L/∂scores}, written into
     * {@code grad} ({@code accumulate}: added to it, in arrival order; else overwriting it).
     */
    void backward(double[] params, double[] x, double[] dScores, double[] grad, boolean accumulate);
}
