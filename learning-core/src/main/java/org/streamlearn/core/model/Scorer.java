package org.streamlearn.core.model;

import org.streamlearn.core.loss.CrossEntropyLoss;
import org.streamlearn.core.loss.LogLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.metric.ProgressiveMetrics;

/**
 * A learner's predictions without side effects: {@link OnlineLearner#predict} and {@link OnlineLearner#evaluate}
 * with the current parameters and standardizer statistics. Not thread-safe: it uses its learner's scratch.
 */
final class Scorer {

    private final Task task;
    private final LearnerState state;
    private final Model model;
    private final Loss loss;
    private final int k;
    private final ExampleValidator validator;
    private final double[] xPredict;

    /** The scorer of a learner of {@code model} under {@code config} over {@code state}, with its scratch. */
    Scorer(LearnerConfig config, LearnerState state, Model model, ExampleValidator validator, double[] xPredict) {
        this.task = config.task();
        this.state = state;
        this.model = model;
        this.loss = config.loss();
        this.k = config.outputs();
        this.validator = validator;
        this.xPredict = xPredict;
    }

    /** See {@link OnlineLearner#predict}. */
    Prediction predict(double[] x) {
        validator.validateFeatures(x);
        double[] xp = x;
        if (state.scaler != null) {
            state.scaler.transform(x, xPredict);
            xp = xPredict;
        }
        double[] out = new double[k];
        model.forward(state.params, xp, out);
        switch (task) {
            case REGRESSION -> {
                return new Prediction(out, loss.link(out[0]), null);
            }
            case BINARY -> {
                double p = LogLoss.sigmoid(out[0]);
                return new Prediction(out, p > 0.5 ? 1 : 0, new double[] {1.0 - p, p});
            }
            default -> {
                double[] probs = new double[k];
                CrossEntropyLoss.INSTANCE.link(out, k, probs);
                return new Prediction(out, CrossEntropyLoss.argmax(out, k), probs);
            }
        }
    }

    /** See {@link OnlineLearner#evaluate}. */
    double evaluate(double[] x, double y, ProgressiveMetrics into) {
        validator.validate(x, y, 1.0);
        Prediction p = predict(x);
        double[] sc = p.scores();
        switch (task) {
            case REGRESSION -> {
                into.addRegression(y, p.value());
                return loss.value(y, sc[0]);
            }
            case BINARY -> {
                double l = loss.value(y, sc[0]);
                into.addBinary((int) y, (int) p.value(), l);
                return l;
            }
            default -> {
                double l = CrossEntropyLoss.INSTANCE.value((int) y, sc, k);
                into.addMulticlass((int) y, (int) p.value(), l);
                return l;
            }
        }
    }
}
