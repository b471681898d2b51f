package org.streamlearn.app.backtest;

import java.util.Map;
import org.streamlearn.store.spec.ModelSpec;

/**
 * One configuration a keyed backtest runs every key through.
 *
 * @param name     the run's name (a {@code --spec} file's name, with the grid's settings appended)
 * @param spec     the spec every key's model uses; null: each key's live spec (from {@code model-commands},
 *                 else the service's seeded or default spec)
 * @param settings the grid settings applied to the spec ({@code "optimizer.learningRate" -> "0.01"}), in order
 */
public record Configuration(String name, ModelSpec spec, Map<String, String> settings) {

    /** The configuration that gives each key its live spec. */
    public static Configuration live() {
        return new Configuration("live", null, Map.of());
    }
}
