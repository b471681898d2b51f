package org.streamlearn.app.config;

import java.util.List;

/**
 * The topic names of one deployment (DESIGN.md "Data flow"). Inputs are keyed by model id and co-partitioned;
 * {@code modelParameters} is compacted.
 *
 * @param trainingEvents     labeled events (input)
 * @param modelCommands      create / update / reset / delete commands (input)
 * @param predictionRequests prediction requests (input)
 * @param modelParameters    model snapshots, latest per key (output, compacted)
 * @param modelMetrics       rolling loss per model (output)
 * @param predictions        predictions and prediction errors (output)
 * @param deadLetter         rejected input with the reason (output)
 * @param modelEvents        drift detections (output)
 */
public record Topics(String trainingEvents, String modelCommands, String predictionRequests, String modelParameters,
        String modelMetrics, String predictions, String deadLetter, String modelEvents) {

    /** DESIGN.md's default names. */
    public static final Topics DEFAULT = new Topics("training-events", "model-commands", "prediction-requests",
            "model-parameters", "model-metrics", "predictions", "dead-letter", "model-events");

    /** Every name must be a legal Kafka topic name. */
    public Topics {
        for (String t : new String[] {trainingEvents, modelCommands, predictionRequests, modelParameters,
                modelMetrics, predictions, deadLetter, modelEvents}) {
            if (t == null || !t.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new ConfigException("topic", "illegal topic name '" + t + "'");
            }
        }
    }

    /** Same names with a prefix (tests: unique topics per test). */
    public Topics withPrefix(String prefix) {
        return new Topics(prefix + trainingEvents, prefix + modelCommands, prefix + predictionRequests,
                prefix + modelParameters, prefix + modelMetrics, prefix + predictions, prefix + deadLetter,
                prefix + modelEvents);
    }

    /** The co-partitioned input topics. */
    public List<String> inputs() {
        return List.of(trainingEvents, modelCommands, predictionRequests);
    }

    /** The output topics. */
    public List<String> outputs() {
        return List.of(modelParameters, modelMetrics, predictions, deadLetter, modelEvents);
    }

    /** Every topic. */
    public List<String> all() {
        return List.of(trainingEvents, modelCommands, predictionRequests, modelParameters, modelMetrics, predictions,
                deadLetter, modelEvents);
    }
}
