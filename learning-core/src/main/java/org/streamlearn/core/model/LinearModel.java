package org.streamlearn.core.model;

import java.util.Arrays;
import org.streamlearn.core.Checks;

/**
 * A linear map {@code s_k = Σ_j w_kj·x_j + b_k} for {@code k < outputs}: linear regression and logistic
 * regression ({@code outputs = 1}) and softmax regression ({@code outputs = classes}).
 *
 * <p>Parameter layout: weights row by row ({@code w[k·d + j]}), then the intercepts {@code b[k]} at
 * {@code outputs·d + k}, the layout of a snapshot's {@code weights[classes][d]} and {@code intercept[classes]}.
 * Dot products are summed in index order and the intercept added last. Zero-initialized.
 */
public final class LinearModel implements Model {

    private final int d;
    private final int k;

    /**
     * A linear model with {@code inputs} features and {@code outputs} scores.
     *
     * @throws IllegalArgumentException when {@code outputs·(inputs + 1)}, computed in {@code long}, does not fit
     *                                  one array
     */
    public LinearModel(int inputs, int outputs) {
        Checks.atLeast("features", inputs, 1);
        Checks.atLeast("outputs", outputs, 1);
        long params = (long) outputs * inputs + outputs;
        if (params > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("features: " + params + " parameters (" + outputs + " outputs × ("
                    + inputs + " features + 1)) do not fit one array (at most " + (Integer.MAX_VALUE - 8) + ")");
        }
        this.d = inputs;
        this.k = outputs;
    }

    @Override
    public int inputs() {
        return d;
    }

    @Override
    public int outputs() {
        return k;
    }

    @Override
    public int parameterCount() {
        return k * d + k;
    }

    @Override
    public int weightCount() {
        return k * d;
    }

    @Override
    public void initialize(double[] params) {
        Arrays.fill(params, 0, parameterCount(), 0.0);
    }

    @Override
    public void forward(double[] params, double[] x, double[] scores) {
        int bias = k * d;
        for (int c = 0; c < k; c++) {
            int row = c * d;
            double s = 0.0;
            for (int j = 0; j < d; j++) {
                s += params[row + j] * x[j];
            }
            scores[c] = s + params[bias + c];
        }
    }

    @Override
    public double forwardSumSquares(double[] params, double[] x, double[] scores) {
        // row 0 with Σx² alongside (a second, independent accumulation: free next to the dot product)
        double s = 0.0;
        double sq = 0.0;
        for (int j = 0; j < d; j++) {
            double v = x[j];
            s += params[j] * v;
            sq += v * v;
        }
        int bias = k * d;
        scores[0] = s + params[bias];
        for (int c = 1; c < k; c++) {
            int row = c * d;
            double t = 0.0;
            for (int j = 0; j < d; j++) {
                t += params[row + j] * x[j];
            }
            scores[c] = t + params[bias + c];
        }
        return sq;
    }

    @Override
    public void backward(double[] params, double[] x, double[] dScores, double[] grad, boolean accumulate) {
        int bias = k * d;
        for (int c = 0; c < k; c++) {
            double dc = dScores[c];
            int row = c * d;
            if (accumulate) {
                for (int j = 0; j < d; j++) {
                    grad[row + j] += dc * x[j];
                }
                grad[bias + c] += dc;
            } else {
                for (int j = 0; j < d; j++) {
                    grad[row + j] = dc * x[j];
                }
                grad[bias + c] = dc;
            }
        }
    }
}
