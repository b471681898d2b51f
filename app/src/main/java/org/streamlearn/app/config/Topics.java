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
 * @param modelEvents        drift detections and promotions (output)
 * @param labels             delayed labels {@code {"id", "label", "weight"?}} (input)
 * @param predictionLog      predictions served by the HTTP API for models with feedback, to be remembered (input)
 */
public record Topics(String trainingEvents, String modelCommands, String predictionRequests, String modelParameters,
        String modelMetrics, String predictions, String deadLetter, String modelEvents, String labels,
        String predictionLog) {

    /** DESIGN.md's default names. */
    public static final Topics DEFAULT = new Topics("training-events", "model-commands", "prediction-requests",
            "model-parameters", "model-metrics", "predictions", "dead-letter", "model-events");

    /**
     * Names with {@code model-events}, {@code labels} and {@code prediction-log} named beside {@code trainingEvents}: its name with
     * the suffix {@code training-events} replaced (so a prefix carries over), else the default names.
     */
    public Topics(String trainingEvents, String modelCommands, String predictionRequests, String modelParameters,
            String modelMetrics, String predictions, String deadLetter) {
        this(trainingEvents, modelCommands, predictionRequests, modelParameters, modelMetrics, predictions,
                deadLetter, beside(trainingEvents, "model-events"));
    }

    /** As the 7-name constructor, with {@code modelEvents} given. */
    public Topics(String trainingEvents, String modelCommands, String predictionRequests, String modelParameters,
            String modelMetrics, String predictions, String deadLetter, String modelEvents) {
        this(trainingEvents, modelCommands, predictionRequests, modelParameters, modelMetrics, predictions,
                deadLetter, modelEvents, beside(trainingEvents, "labels"), beside(trainingEvents, "prediction-log"));
    }

    /** {@code name} for a topic named beside {@code trainingEvents} (see the 7-name constructor). */
    public static String beside(String trainingEvents, String name) {
        String suffix = "training-events";
        if (trainingEvents != null && trainingEvents.endsWith(suffix)) {
            return trainingEvents.substring(0, trainingEvents.length() - suffix.length()) + name;
        }
        return name;
    }

    /** Every name must be a legal Kafka topic name. */
    public Topics {
        for (String t : new String[] {trainingEvents, modelCommands, predictionRequests, modelParameters,
                modelMetrics, predictions, deadLetter, modelEvents, labels, predictionLog}) {
            if (t == null || !t.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new ConfigException("topic", "illegal topic name '" + t + "'");
            }
        }
    }

    /** Same names with a prefix (tests: unique topics per test). */
    public Topics withPrefix(String prefix) {
        return new Topics(prefix + trainingEvents, prefix + modelCommands, prefix + predictionRequests,
                prefix + modelParameters, prefix + modelMetrics, prefix + predictions, prefix + deadLetter,
                prefix + modelEvents, prefix + labels, prefix + predictionLog);
    }

    /** The co-partitioned input topics. */
    public List<String> inputs() {
        return List.of(trainingEvents, modelCommands, predictionRequests, labels, predictionLog);
    }

    /** The output topics. */
    public List<String> outputs() {
        return List.of(modelParameters, modelMetrics, predictions, deadLetter, modelEvents);
    }

    /** Every topic. */
    public List<String> all() {
        return List.of(trainingEvents, modelCommands, predictionRequests, modelParameters, modelMetrics, predictions,
                deadLetter, modelEvents, labels, predictionLog);
    }
}
