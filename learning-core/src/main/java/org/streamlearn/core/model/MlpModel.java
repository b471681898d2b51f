package org.streamlearn.core.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.streamlearn.core.Checks;

/**
 * A multilayer perceptron: layers {@code l = 0..L−1}, {@code L = hidden.length + 1}, with widths
 * {@code n_0 = inputs}, {@code n_1..n_{L−1} = hidden}, {@code n_L = outputs}. With {@code a_0 = x}:
 * {@code z_l = W_l·a_{l−1} + b_l} ({@code W_l} is {@code n_{l+1} × n_l}), {@code a_l = f(z_l)} for the hidden
 * layers ({@link Activation}), and the output layer is linear: the scores are the raw {@code z_{L−1}}. The loss
 * and its link (identity, sigmoid, softmax) are the learner's, exactly as for a {@link LinearModel}.
 *
 * <p>Parameter layout of the flat vector: every weight matrix first, layer by layer, each row-major
 * {@code [out][in]} ({@code W_l[i][j]} at {@code weightOffset(l) + i·n_l + j}); then every bias vector, layer by
 * layer ({@code b_l[i]} at {@code biasOffset(l) + i}). {@link #weightCount()} is the number of weights, so the
 * biases are the {@link Model}'s intercepts: never L2/L1-regularized, and stepped by plain SGD at
 * {@code interceptLearningRate} when that is set.
 *
 * <p>Arithmetic, fixed for bit-reproducibility (Java's floating point is strict and never fused): each
 * {@code z_l[i]} is the dot product of row {@code i} with the layer input summed in index order, plus the bias
 * last (as {@link LinearModel}). Backpropagation, with {@code δ_{L−1} = ∂L/∂scores}:
 * {@code ∂L/∂W_l[i][j] = δ_l[i]·a_{l−1}[j]}, {@code ∂L/∂b_l[i] = δ_l[i]},
 * {@code δ_{l−1} = (W_lᵀ·δ_l) ⊙ f'(z_{l−1})}, the transposed product summed over {@code i} in index order.
 *
 * <p>The weight matrices are addressed in place at their offsets in the caller's vector: the learner may pass
 * its parameters or a look-ahead copy (Nesterov), so nothing is cached across calls but the activations.
 * EJML's row-major kernels ({@code MatrixVectorMult_DDRM.mult}, {@code multTransA_reorder},
 * {@code VectorVectorMult_DDRM.addOuterProd}) take whole matrices without an offset, so using them would mean
 * copying each layer's weights into a {@code DMatrixRMaj} on every call, for kernels that are the same single
 * loops as here; {@code MlpBenchmark.Kernel} measures the copy's cost. Pre-activations, activations and deltas
 * of the hidden layers live in preallocated buffers: {@link #forward} and {@link #backward} allocate nothing.
 *
 * <p>Initialization: {@link Init}, seeded; biases 0.
 */
public final class MlpModel implements Model {

    private final int layers;
    /** {@code n_0..n_L}. */
    private final int[] width;
    private final int[] wOff;
    private final int[] bOff;
    /** Offset of hidden layer {@code l}'s units in {@link #z}, {@link #a}, {@link #delta}. */
    private final int[] hOff;
    private final int weightCount;
    private final int parameterCount;
    private final Activation activation;
    private final Init init;
    private final long seed;
    private final double[] z;
    private final double[] a;
    private final double[] delta;

    /**
     * An MLP with {@code inputs} features, the given hidden widths, {@code outputs} linear scores.
     *
     * @throws IllegalArgumentException when a dimension is {@code < 1} or the parameters do not fit an array
     */
    public MlpModel(int inputs, int[] hidden, int outputs, Activation activation, Init init, long seed) {
        Checks.atLeast("features", inputs, 1);
        Checks.atLeast("outputs", outputs, 1);
        Checks.widths("architecture.hidden", hidden);
        if (activation == null || init == null) {
            throw new IllegalArgumentException("architecture.activation and architecture.init are required");
        }
        this.layers = hidden.length + 1;
        this.width = new int[layers + 1];
        width[0] = inputs;
        for (int l = 0; l < hidden.length; l++) {
            width[l + 1] = hidden[l];
        }
        width[layers] = outputs;
        long weights = 0;
        long biases = 0;
        for (int l = 0; l < layers; l++) {
            weights += (long) width[l] * width[l + 1];
            biases += width[l + 1];
        }
        if (weights + biases > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("architecture.hidden: " + (weights + biases) + " parameters for "
                    + inputs + " inputs do not fit one array (at most " + (Integer.MAX_VALUE - 8) + ")");
        }
        this.weightCount = (int) weights;
        this.parameterCount = (int) (weights + biases);
        this.wOff = new int[layers];
        this.bOff = new int[layers];
        int w = 0;
        int b = weightCount;
        for (int l = 0; l < layers; l++) {
            wOff[l] = w;
            bOff[l] = b;
            w += width[l] * width[l + 1];
            b += width[l + 1];
        }
        this.hOff = new int[hidden.length];
        int h = 0;
        for (int l = 0; l < hidden.length; l++) {
            hOff[l] = h;
            h += hidden[l];
        }
        this.z = new double[h];
        this.a = new double[h];
        this.delta = new double[h];
        this.activation = activation;
        this.init = init;
        this.seed = seed;
    }

    @Override
    public int inputs() {
        return width[0];
    }

    @Override
    public int outputs() {
        return width[layers];
    }

    @Override
    public int parameterCount() {
        return parameterCount;
    }

    @Override
    public int weightCount() {
        return weightCount;
    }

    /** Number of layers {@code L} (hidden layers plus the output layer). */
    public int layers() {
        return layers;
    }

    /** Inputs of layer {@code l}: {@code n_l} (the features for layer 0). */
    public int layerInputs(int l) {
        return width[checkLayer(l)];
    }

    /** Outputs (units) of layer {@code l}: {@code n_{l+1}} (the scores for the last layer). */
    public int layerOutputs(int l) {
        return width[checkLayer(l) + 1];
    }

    /** Offset of {@code W_l[0][0]} in the parameter vector. */
    public int weightOffset(int l) {
        return wOff[checkLayer(l)];
    }

    /** Offset of {@code b_l[0]} in the parameter vector. */
    public int biasOffset(int l) {
        return bOff[checkLayer(l)];
    }

    /** The hidden layers' activation. */
    public Activation activation() {
        return activation;
    }

    private int checkLayer(int l) {
        if (l < 0 || l >= layers) {
            throw new IndexOutOfBoundsException("layer " + l + " of " + layers);
        }
        return l;
    }

    /** Seeded weights as documented in {@link Init}, layer by layer in the layout's order; biases 0. */
    @Override
    public void initialize(double[] params) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int l = 0; l < layers; l++) {
            init.fill(rnd, params, wOff[l], width[l], width[l + 1]);
        }
        Arrays.fill(params, weightCount, parameterCount, 0.0);
    }

    @Override
    public void forward(double[] params, double[] x, double[] scores) {
        double[] in = x;
        int inOff = 0;
        int last = layers - 1;
        for (int l = 0; l < layers; l++) {
            int nIn = width[l];
            int nOut = width[l + 1];
            double[] out = l == last ? scores : z;
            int outOff = l == last ? 0 : hOff[l];
            int row = wOff[l];
            int bias = bOff[l];
            for (int i = 0; i < nOut; i++, row += nIn) {
                double s = 0.0;
                for (int j = 0; j < nIn; j++) {
                    s += params[row + j] * in[inOff + j];
                }
                out[outOff + i] = s + params[bias + i];
            }
            if (l < last) {
                activation.apply(z, a, outOff, nOut);
                in = a;
                inOff = outOff;
            }
        }
    }

    @Override
    public void backward(double[] params, double[] x, double[] dScores, double[] grad, boolean accumulate) {
        double[] d = dScores;
        int dOff = 0;
        for (int l = layers - 1; l >= 0; l--) {
            int nIn = width[l];
            int nOut = width[l + 1];
            double[] in = l == 0 ? x : a;
            int inOff = l == 0 ? 0 : hOff[l - 1];
            int row = wOff[l];
            int bias = bOff[l];
            // ∂L/∂W_l = δ_l·a_{l−1}ᵀ, ∂L/∂b_l = δ_l
            for (int i = 0; i < nOut; i++, row += nIn) {
                double di = d[dOff + i];
                if (accumulate) {
                    for (int j = 0; j < nIn; j++) {
                        grad[row + j] += di * in[inOff + j];
                    }
                    grad[bias + i] += di;
                } else {
                    for (int j = 0; j < nIn; j++) {
                        grad[row + j] = di * in[inOff + j];
                    }
                    grad[bias + i] = di;
                }
            }
            if (l > 0) {
                // δ_{l−1} = (W_lᵀ·δ_l) ⊙ f'(z_{l−1}), row by row (the row-major order of W_l)
                int prev = hOff[l - 1];
                Arrays.fill(delta, prev, prev + nIn, 0.0);
                row = wOff[l];
                for (int i = 0; i < nOut; i++, row += nIn) {
                    double di = d[dOff + i];
                    for (int j = 0; j < nIn; j++) {
                        delta[prev + j] += params[row + j] * di;
                    }
                }
                activation.multiplyByDerivative(z, a, delta, prev, nIn);
                d = delta;
                dOff = prev;
            }
        }
    }
}
