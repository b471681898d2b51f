package org.streamlearn.core.model;

import java.util.Arrays;
import java.util.Objects;
import org.streamlearn.core.Checks;

/**
 * The shape of a model. {@link Linear}: linear, logistic or softmax regression, zero-initialized. {@link Mlp}: a
 * multilayer perceptron with seeded Xavier or He initialization.
 */
public sealed interface Architecture permits Architecture.Linear, Architecture.Mlp {

    /** Logical name as in a spec. */
    String name();

    /** Builds a model instance (with its own scratch buffers) for the given dimensions. */
    Model create(int inputs, int outputs);

    /** Linear scores {@code W·x + b}. */
    record Linear() implements Architecture {
        @Override
        public String name() {
            return "linear";
        }

        @Override
        public Model create(int inputs, int outputs) {
            return new LinearModel(inputs, outputs);
        }
    }

    /**
     * A multilayer perceptron (see {@link MlpModel}): hidden layers of the given widths with {@code activation},
     * then a linear output layer. Immutable: {@code hidden} is copied in and out; equality is by content.
     *
     * @param hidden     hidden-layer widths, input side first; at least one, each {@code >= 1}
     * @param activation the hidden layers' activation
     * @param init       weight initialization
     * @param seed       seed of the weight initialization
     */
    record Mlp(int[] hidden, Activation activation, Init init, long seed) implements Architecture {

        /** Validates and copies {@code hidden}. */
        public Mlp {
            Checks.widths("architecture.hidden", hidden);
            hidden = hidden.clone();
            Objects.requireNonNull(activation, "architecture.activation");
            Objects.requireNonNull(init, "architecture.init");
        }

        /** A copy of the hidden-layer widths. */
        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        @Override
        public String name() {
            return "mlp";
        }

        @Override
        public Model create(int inputs, int outputs) {
            return new MlpModel(inputs, hidden, outputs, activation, init, seed);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mlp m && Arrays.equals(hidden, m.hidden) && activation == m.activation
                    && init == m.init && seed == m.seed;
        }

        @Override
        public int hashCode() {
            return ((Arrays.hashCode(hidden) * 31 + activation.ordinal()) * 31 + init.ordinal()) * 31
                    + Long.hashCode(seed);
        }

        @Override
        public String toString() {
            return "Mlp[hidden=" + Arrays.toString(hidden) + ", activation=" + activation.logicalName() + ", init="
                    + init.logicalName() + ", seed=" + seed + "]";
        }
    }
}
