package org.streamlearn.core.model;

import java.util.Locale;
import java.util.SplittableRandom;
import org.streamlearn.core.Checks;

/**
 * Seeded initialization of an {@link MlpModel}'s weight matrices (biases start at 0). For a layer with
 * {@code fanIn} inputs and {@code fanOut} outputs:
 *
 * <ul>
 *   <li>{@link #HE} (He et al. 2015): {@code w ~ N(0, 2/fanIn)}, drawn as {@code sqrt(2/fanIn)·ζ} with ζ a
 *       standard normal from the Box–Muller transform {@code ζ = sqrt(−2·ln(1 − u1))·cos(2π·u2)} of two
 *       uniforms;</li>
 *   <li>{@link #XAVIER} (Glorot and Bengio 2010, uniform): {@code w ~ U(−r, r)} with
 *       {@code r = sqrt(6/(fanIn + fanOut))}, drawn as {@code r·(2u − 1)}.</li>
 * </ul>
 *
 * The uniforms {@code u} are {@link SplittableRandom#nextDouble()} of one generator seeded with the spec's
 * {@code seed} (SplitMix64, specified since Java 8), consumed layer by layer, row by row, in the parameter
 * layout's order; the transcendental functions are {@link StrictMath}'s. A seed therefore gives the same
 * weights bit for bit on every JVM.
 */
public enum Init {
    /** He (Kaiming) normal: {@code N(0, 2/fanIn)}, for ReLU layers. */
    HE,
    /** Xavier (Glorot) uniform: {@code U(±sqrt(6/(fanIn + fanOut)))}, for tanh and sigmoid layers. */
    XAVIER;

    /** The lowercase logical name used in specs ({@code "he"}). */
    public String logicalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The initialization of a logical name ({@code he | xavier}). */
    public static Init of(String name) {
        return Checks.oneOf("architecture.init", values(), name);
    }

    /**
     * Fills {@code w[off .. off + fanOut·fanIn)} (a row-major {@code [fanOut][fanIn]} matrix) with draws from
     * {@code rnd}.
     */
    public void fill(SplittableRandom rnd, double[] w, int off, int fanIn, int fanOut) {
        int n = fanIn * fanOut;
        switch (this) {
            case HE -> {
                double scale = StrictMath.sqrt(2.0 / fanIn);
                for (int i = 0; i < n; i++) {
                    w[off + i] = scale * gaussian(rnd);
                }
            }
            case XAVIER -> {
                double r = StrictMath.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < n; i++) {
                    w[off + i] = r * (2.0 * rnd.nextDouble() - 1.0);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    /** One standard normal by Box–Muller (the cosine of the pair); {@code 1 − u1 ∈ (0, 1]}, so the log is finite. */
    static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
