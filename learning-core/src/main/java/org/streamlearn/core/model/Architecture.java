package org.streamlearn.core.model;

/**
 * The shape of a model. {@link Linear}: linear, logistic or softmax regression, zero-initialized.
 */
public sealed interface Architecture permits Architecture.Linear {

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
}
