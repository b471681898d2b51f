package org.streamlearn.core.model;

import java.util.Locale;
import org.streamlearn.core.Checks;

/**
 * The elementwise nonlinearity of an {@link MlpModel}'s hidden layers, {@code a = f(z)}, and its derivative
 * {@code f'(z)}, evaluated from the cached pre-activation {@code z} and activation {@code a}:
 *
 * <ul>
 *   <li>{@link #RELU}: {@code f(z) = max(0, z)}, {@code f'(z) = 1} for {@code z > 0}, else 0 (0 at {@code z = 0});</li>
 *   <li>{@link #TANH}: {@code f(z) = tanh(z)}, {@code f'(z) = 1 − a²};</li>
 *   <li>{@link #SIGMOID}: {@code f(z) = σ(z) = 1 / (1 + e^(−z))}, {@code f'(z) = a·(1 − a)}.</li>
 * </ul>
 *
 * The vector methods loop over caller-owned arrays and allocate nothing.
 */
public enum Activation {
    /** Rectified linear unit {@code max(0, z)}; derivative 0 at {@code z = 0}. */
    RELU,
    /** Hyperbolic tangent. */
    TANH,
    /** Logistic sigmoid {@code 1 / (1 + e^(−z))}. */
    SIGMOID;

    /** The lowercase logical name used in specs ({@code "relu"}). */
    public String logicalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The activation of a logical name ({@code relu | tanh | sigmoid}). */
    public static Activation of(String name) {
        return Checks.oneOf("architecture.activation", values(), name);
    }

    /** {@code f(z)}. */
    public double apply(double z) {
        return switch (this) {
            case RELU -> z > 0.0 ? z : 0.0;
            case TANH -> Math.tanh(z);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-z));
        };
    }

    /** {@code f'(z)}, given {@code z} and {@code a = f(z)}. */
    public double derivative(double z, double a) {
        return switch (this) {
            case RELU -> z > 0.0 ? 1.0 : 0.0;
            case TANH -> 1.0 - a * a;
            case SIGMOID -> a * (1.0 - a);
        };
    }

    /** {@code a[off+i] = f(z[off+i])} for {@code i < n}. */
    public void apply(double[] z, double[] a, int off, int n) {
        int end = off + n;
        switch (this) {
            case RELU -> {
                for (int i = off; i < end; i++) {
                    double v = z[i];
                    a[i] = v > 0.0 ? v : 0.0;
                }
            }
            case TANH -> {
                for (int i = off; i < end; i++) {
                    a[i] = Math.tanh(z[i]);
                }
            }
            case SIGMOID -> {
                for (int i = off; i < end; i++) {
                    a[i] = 1.0 / (1.0 + Math.exp(-z[i]));
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    /** {@code delta[off+i] *= f'(z[off+i])} for {@code i < n}, with {@code a = f(z)} as cached by the forward pass. */
    public void multiplyByDerivative(double[] z, double[] a, double[] delta, int off, int n) {
        int end = off + n;
        switch (this) {
            case RELU -> {
                for (int i = off; i < end; i++) {
                    delta[i] *= z[i] > 0.0 ? 1.0 : 0.0; // a product, so that a non-finite delta stays visible
                }
            }
            case TANH -> {
                for (int i = off; i < end; i++) {
                    double ai = a[i];
                    delta[i] *= 1.0 - ai * ai;
                }
            }
            case SIGMOID -> {
                for (int i = off; i < end; i++) {
                    double ai = a[i];
                    delta[i] *= ai * (1.0 - ai);
                }
            }
            default -> throw new IllegalStateException();
        }
    }
}
