package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded initialization of {@link MlpModel} ({@link Init}) and the {@link Architecture.Mlp} record: the same seed
 * gives the same parameters bit for bit, other seeds differ; the draws are exactly the documented recipe
 * (SplittableRandom uniforms, Box–Muller with StrictMath, layer by layer in layout order); the moments are those
 * of He and Xavier; biases start at 0; the record copies its array and compares by content.
 */
class MlpInitTest {

    /** One hidden layer wide enough (100,000 weights) for the statistics of its draws. */
    private static final int FAN_IN = 250;
    private static final int FAN_OUT = 400;

    private static double[] init(Architecture a, int inputs, int outputs) {
        Model m = a.create(inputs, outputs);
        double[] p = new double[m.parameterCount()];
        java.util.Arrays.fill(p, Double.NaN); // initialize must write every coordinate
        m.initialize(p);
        return p;
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void sameSeedSameParametersBitForBitOtherSeedsDiffer(Init init) {
        Architecture a = new Architecture.Mlp(new int[] {7, 5}, Activation.RELU, init, 42);
        double[] p1 = init(a, 6, 3);
        double[] p2 = init(new Architecture.Mlp(new int[] {7, 5}, Activation.RELU, init, 42), 6, 3);
        double[] p3 = init(new Architecture.Mlp(new int[] {7, 5}, Activation.RELU, init, 43), 6, 3);
        assertThat(p1).containsExactly(p2);
        assertThat(p1).doesNotContain(Double.NaN);
        int nw = a.create(6, 3).weightCount();
        int differing = 0;
        for (int i = 0; i < nw; i++) {
            if (p1[i] != p3[i]) {
                differing++;
            }
        }
        assertThat(differing).as("weights that differ between seeds 42 and 43").isEqualTo(nw);
        // the same model instance re-initializes identically
        Model m = a.create(6, 3);
        double[] q = new double[m.parameterCount()];
        m.initialize(q);
        m.initialize(q);
        assertThat(q).containsExactly(p1);
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void drawsFollowTheDocumentedRecipeAndBiasesAreZero(Init init) {
        int[] hidden = {4, 3};
        int inputs = 5;
        int outputs = 2;
        MlpModel m = new MlpModel(inputs, hidden, outputs, Activation.TANH, init, 2024);
        double[] p = initialized(m);
        SplittableRandom rnd = new SplittableRandom(2024);
        int[] width = {inputs, 4, 3, outputs};
        int i = 0;
        for (int l = 0; l < 3; l++) {
            int fanIn = width[l];
            int fanOut = width[l + 1];
            for (int w = 0; w < fanIn * fanOut; w++, i++) {
                double expected;
                if (init == Init.HE) {
                    double u1 = 1.0 - rnd.nextDouble();
                    double u2 = rnd.nextDouble();
                    expected = StrictMath.sqrt(2.0 / fanIn)
                            * (StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2));
                } else {
                    expected = StrictMath.sqrt(6.0 / (fanIn + fanOut)) * (2.0 * rnd.nextDouble() - 1.0);
                }
                assertThat(p[i]).as("weight %d", i).isEqualTo(expected);
            }
        }
        assertThat(i).isEqualTo(m.weightCount());
        for (; i < p.length; i++) {
            assertThat(p[i]).as("bias %d", i).isZero();
        }
    }

    private static MlpModel wideLayer(Activation activation, Init init) {
        return new MlpModel(FAN_IN, new int[] {FAN_OUT}, 1, activation, init, 7);
    }

    private static double[] initialized(MlpModel m) {
        double[] p = new double[m.parameterCount()];
        m.initialize(p);
        return p;
    }

    @Test
    void heHasVarianceTwoOverFanIn() {
        MlpModel m = wideLayer(Activation.RELU, Init.HE);
        double[] p = initialized(m);
        int n = FAN_IN * FAN_OUT;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            sum += p[i];
            sq += p[i] * p[i];
        }
        double mean = sum / n;
        double var = sq / n - mean * mean;
        // 100,000 draws: standard error of the variance ≈ var·sqrt(2/n) ≈ 0.45%
        assertThat(mean).isCloseTo(0.0, within(4 * Math.sqrt(2.0 / FAN_IN / n)));
        assertThat(var).isCloseTo(2.0 / FAN_IN, within(0.02 * 2.0 / FAN_IN));
    }

    @Test
    void xavierIsUniformWithinItsBound() {
        MlpModel m = wideLayer(Activation.TANH, Init.XAVIER);
        double[] p = initialized(m);
        double r = Math.sqrt(6.0 / (FAN_IN + FAN_OUT));
        int n = FAN_IN * FAN_OUT;
        double sq = 0;
        double max = 0;
        for (int i = 0; i < n; i++) {
            assertThat(Math.abs(p[i])).isLessThanOrEqualTo(r);
            sq += p[i] * p[i];
            max = Math.max(max, Math.abs(p[i]));
        }
        assertThat(sq / n).isCloseTo(r * r / 3, within(0.02 * r * r / 3));
        assertThat(max).isGreaterThan(0.999 * r);
        // the output layer (fan-in 400, fan-out 1) has its own bound
        double r2 = Math.sqrt(6.0 / (FAN_OUT + 1));
        for (int i = n; i < m.weightCount(); i++) {
            assertThat(Math.abs(p[i])).isLessThanOrEqualTo(r2);
        }
    }

    @Test
    void recordCopiesHiddenComparesByContentAndValidates() {
        int[] hidden = {8, 4};
        Architecture.Mlp a = new Architecture.Mlp(hidden, Activation.SIGMOID, Init.XAVIER, 5);
        hidden[0] = 99;
        assertThat(a.hidden()).containsExactly(8, 4);
        a.hidden()[1] = 77;
        assertThat(a.hidden()).containsExactly(8, 4);
        Architecture.Mlp b = new Architecture.Mlp(new int[] {8, 4}, Activation.SIGMOID, Init.XAVIER, 5);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new Architecture.Mlp(new int[] {8, 4}, Activation.SIGMOID, Init.XAVIER, 6))
                .isNotEqualTo(new Architecture.Mlp(new int[] {8}, Activation.SIGMOID, Init.XAVIER, 5))
                .isNotEqualTo(new Architecture.Mlp(new int[] {8, 4}, Activation.TANH, Init.XAVIER, 5))
                .isNotEqualTo(new Architecture.Mlp(new int[] {8, 4}, Activation.SIGMOID, Init.HE, 5))
                .isNotEqualTo(new Architecture.Linear());
        assertThat(a.name()).isEqualTo("mlp");
        assertThat(a.toString()).contains("[8, 4]", "sigmoid", "xavier", "5");
        assertThat(a.create(3, 2)).isInstanceOf(MlpModel.class);
        assertThatThrownBy(() -> new Architecture.Mlp(new int[0], Activation.RELU, Init.HE, 1))
                .hasMessageContaining("architecture.hidden");
        assertThatThrownBy(() -> new Architecture.Mlp(new int[] {3, 0}, Activation.RELU, Init.HE, 1))
                .hasMessageContaining("architecture.hidden[1]");
        assertThatThrownBy(() -> new Architecture.Mlp(new int[] {3}, null, Init.HE, 1))
                .hasMessageContaining("architecture.activation");
        assertThatThrownBy(() -> new MlpModel(1 << 24, new int[] {4096}, 1, Activation.RELU, Init.HE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
        assertThat(Activation.of("tanh")).isEqualTo(Activation.TANH);
        assertThat(Init.of("xavier")).isEqualTo(Init.XAVIER);
        assertThatThrownBy(() -> Activation.of("gelu")).hasMessageContaining("gelu");
    }
}
