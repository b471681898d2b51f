package org.streamlearn.app.backtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.model.Task;
import org.streamlearn.store.state.ModelState;

/** A model's whole-stream progressive metrics (those of the predictions it served), by task. */
final class Metrics {

    private Metrics() {
    }

    /** Puts the metrics of {@code model}'s task into {@code o}; nothing before its first scored event. */
    static void into(ModelState model, ObjectNode o) {
        into(model.spec().task(), model.servedMetrics(), o);
    }

    /** Puts the metrics {@code m} of a {@code task} into {@code o}; nothing when empty. */
    static void into(Task task, ProgressiveMetrics m, ObjectNode o) {
        if (m.count() == 0) {
            return;
        }
        switch (task) {
            case REGRESSION -> {
                o.put("mse", m.mse());
                o.put("mae", m.mae());
            }
            case BINARY -> {
                o.put("logLoss", m.logLoss());
                o.put("accuracy", m.accuracy());
                o.put("precision", m.precision());
                o.put("recall", m.recall());
                o.put("f1", m.f1());
            }
            case MULTICLASS -> {
                o.put("logLoss", m.logLoss());
                o.put("accuracy", m.accuracy());
            }
            default -> throw new IllegalStateException();
        }
    }
}
