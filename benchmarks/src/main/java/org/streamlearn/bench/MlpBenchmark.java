package org.streamlearn.bench;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.mult.MatrixVectorMult_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;
import org.streamlearn.core.model.Activation;
import org.streamlearn.core.model.Architecture;
import org.streamlearn.core.model.Init;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.core.model.Task;
import org.streamlearn.core.optim.Adam;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.Sgd;

/**
 * Per-sample updates per second of an MLP learned by {@link OnlineLearner#learn(double[], double)}, beside the
 * linear model of the same inputs and outputs in the same run: one operation is one event predicted
 * (progressive validation) then learned with one optimizer step.
 *
 * <ul>
 *   <li>{@code 20-32-1}: regression, 20 features, one ReLU hidden layer of 32, squared loss (linear: linear
 *       regression); events from an {@link EventRing};</li>
 *   <li>{@code 64-64-10}: 10 classes, 64 features, one ReLU hidden layer of 64, cross-entropy (linear: softmax
 *       regression); features i.i.d. N(0, 1), the label the argmax of a fixed random linear map, replaced by a
 *       random class for 10% of the events (so the loss never vanishes).</li>
 * </ul>
 *
 * Each with SGD (rate 0.01) or Adam (rate 0.001), He initialization, per-sample updates, no standardization.
 * Events come from a pre-generated ring of {@value #ROWS} rows used cyclically, so data generation is outside the
 * measured loop; every benchmark consumes the progressive prediction.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MlpBenchmark -prof gc}; results in
 * {@code docs/benchmarks.md}.
 */
public class MlpBenchmark extends ThroughputBenchmark {

    /** Events in the ring. */
    static final int ROWS = 4096;
    /** Seed of the ring. */
    static final long SEED = 20240601L;
    /** Seed of the MLP's initialization. */
    static final long INIT_SEED = 42L;

    /** Network shape {@code inputs-hidden-outputs}; outputs 1 is regression, more is multiclass. */
    @Param({"20-32-1", "64-64-10"})
    public String shape;

    /** Optimizer: {@code sgd} (rate 0.01) or {@code adam} (rate 0.001). */
    @Param({"sgd", "adam"})
    public String optimizer;

    private double[][] x;
    private double[] y;
    private int cursor;
    private OnlineLearner mlp;
    private OnlineLearner linear;

    /** The MLP's configuration for a shape and optimizer. */
    static LearnerConfig config(String shape, String optimizer) {
        String[] parts = shape.split("-");
        int d = Integer.parseInt(parts[0]);
        int hidden = Integer.parseInt(parts[1]);
        int k = Integer.parseInt(parts[2]);
        Optimizer o = optimizer.equals("adam") ? new Adam(0.9, 0.999, 1e-8) : new Sgd();
        LearnerConfig.Builder b = LearnerConfig.builder(k == 1 ? Task.REGRESSION : Task.MULTICLASS, d)
                .architecture(new Architecture.Mlp(new int[] {hidden}, Activation.RELU, Init.HE, INIT_SEED))
                .optimizer(o).learningRate(optimizer.equals("adam") ? 0.001 : 0.01).standardize(false)
                .batchSize(1);
        if (k > 1) {
            b.classes(k);
        }
        return b.build();
    }

    /** Generates the ring and fresh models. */
    @Setup
    public void setUp() {
        LearnerConfig c = config(shape, optimizer);
        int d = c.features();
        int k = c.outputs();
        if (k == 1) {
            EventRing ring = new EventRing(d, ROWS, SEED);
            x = new double[ROWS][];
            y = new double[ROWS];
            for (int i = 0; i < ROWS; i++) {
                x[i] = ring.x(i);
                y[i] = ring.y(i);
            }
        } else {
            classRing(d, k);
        }
        mlp = OnlineLearner.create(c);
        linear = OnlineLearner.create(c.toBuilder().architecture(new Architecture.Linear()).build());
    }

    private void classRing(int d, int k) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        double[][] map = new double[k][d];
        for (double[] row : map) {
            for (int j = 0; j < d; j++) {
                row[j] = gaussian(rnd);
            }
        }
        x = new double[ROWS][d];
        y = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = gaussian(rnd);
            }
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += map[c][j] * x[i][j];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            y[i] = rnd.nextDouble() < 0.1 ? rnd.nextInt(k) : best;
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    private int advance() {
        int i = cursor;
        cursor = (i + 1) & (ROWS - 1);
        return i;
    }

    /** The MLP: one event predicted then learned. */
    @Benchmark
    public void mlp(Blackhole bh) {
        int i = advance();
        bh.consume(mlp.learn(x[i], y[i]).prediction());
    }

    /** The linear model of the same inputs and outputs (linear or softmax regression). */
    @Benchmark
    public void linear(Blackhole bh) {
        int i = advance();
        bh.consume(linear.learn(x[i], y[i]).prediction());
    }

    /**
     * Why {@code MlpModel} multiplies in place: the matrix-vector products of a 64-64-10 forward pass over a flat
     * parameter vector (layer 0 at offset 0, layer 1 at offset 4096): as EJML would need it, each layer's
     * weights copied into a {@code DMatrixRMaj} and multiplied by {@code MatrixVectorMult_DDRM.mult}
     * ({@code ejmlCopy}), and as {@code MlpModel} does it, the same loop on the offsets without the copy
     * ({@code inPlace}).
     */
    public static class Kernel extends ThroughputBenchmark {

        private static final int D = 64;
        private static final int H = 64;
        private static final int K = 10;

        private final double[] params = new double[D * H + H * K];
        private final double[] x = new double[D];
        private final double[] hidden = new double[H];
        private final double[] out = new double[K];
        private final DMatrixRMaj w0 = new DMatrixRMaj(H, D);
        private final DMatrixRMaj w1 = new DMatrixRMaj(K, H);
        private final DMatrixRMaj xm = DMatrixRMaj.wrap(D, 1, x);
        private final DMatrixRMaj hm = DMatrixRMaj.wrap(H, 1, hidden);
        private final DMatrixRMaj om = DMatrixRMaj.wrap(K, 1, out);

        /** Random weights and input. */
        @Setup
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(SEED);
            for (int i = 0; i < params.length; i++) {
                params[i] = gaussian(rnd) * 0.1;
            }
            for (int j = 0; j < D; j++) {
                x[j] = gaussian(rnd);
            }
        }

        private static void mult(double[] p, int off, int rows, int cols, double[] in, double[] res) {
            for (int i = 0, row = off; i < rows; i++, row += cols) {
                double s = 0.0;
                for (int j = 0; j < cols; j++) {
                    s += p[row + j] * in[j];
                }
                res[i] = s;
            }
        }

        /** Offset loops over the flat vector (as {@code MlpModel.forward}: EJML's loop, without the copy). */
        @Benchmark
        public void inPlace(Blackhole bh) {
            mult(params, 0, H, D, x, hidden);
            mult(params, D * H, K, H, hidden, out);
            bh.consume(out);
        }

        /** Copy each layer into a {@code DMatrixRMaj}, then EJML's matrix-vector product. */
        @Benchmark
        public void ejmlCopy(Blackhole bh) {
            System.arraycopy(params, 0, w0.data, 0, D * H);
            MatrixVectorMult_DDRM.mult(w0, xm, hm);
            System.arraycopy(params, D * H, w1.data, 0, H * K);
            MatrixVectorMult_DDRM.mult(w1, hm, om);
            bh.consume(out);
        }
    }
}
