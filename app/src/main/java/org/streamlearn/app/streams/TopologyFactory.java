package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.config.Topics;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.state.StateLimits;

/**
 * Builds the streamlearn topology from a configuration, with no I/O; the service's {@code main} and the
 * {@code TopologyTestDriver} tests use the same factory.
 *
 * <pre>
 * training-events ─┐
 * model-commands ──┴► training ──► model-parameters, model-metrics, dead-letter, model-events
 *                        │ (model store, changelogged)
 * prediction-requests ─┐
 * labels ──────────────┼► prediction ──► predictions (and model-parameters, model-metrics, dead-letter)
 * prediction-log ──────┘     │ (model store; pending predictions and their expiry index, changelogged)
 * replicated models: training ──► replica-events ──► replica ──► replica-reports ──► replica-merge
 *                    (back on replica-events; merged models on replica-merged, a global store; see
 *                    ReplicaTopology: the loop's steps are sub-topologies of their own)
 * </pre>
 */
public final class TopologyFactory {

    /** Name of the model store (its changelog is {@code <application.id>-models-changelog}). */
    public static final String STORE = "models";
    static final String PARAMETERS_SINK = "model-parameters-sink";
    static final String METRICS_SINK = "model-metrics-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";
    static final String PREDICTIONS_SINK = "predictions-sink";
    static final String MODEL_EVENTS_SINK = "model-events-sink";

    /**
     * What the processors need of the configuration.
     *
     * @param topics               topic names
     * @param storeName            model store name
     * @param defaultSpec          spec template for models created by their first event
     * @param seedSpecs            specs by model id for models created by their first event
     * @param metricsEveryEvents   rolling loss every N events of a model
     * @param metricsIntervalMs    and every T ms (0: never)
     * @param batchCheckIntervalMs mini-batch time-flush check period
     * @param maxCachedModels      live models per task
     * @param limits               how large a model and its records may be
     * @param deadLetterMaxOriginalBytes the bound of a dead letter's copy of the original record
     */
    public record Settings(Topics topics, String storeName, ObjectNode defaultSpec, Map<String, ModelSpec> seedSpecs,
            long metricsEveryEvents, long metricsIntervalMs, long batchCheckIntervalMs, int maxCachedModels,
            StateLimits limits, int deadLetterMaxOriginalBytes) {

        /** Settings with the default {@link StateLimits} and dead-letter bound. */
        public Settings(Topics topics, String storeName, ObjectNode defaultSpec, Map<String, ModelSpec> seedSpecs,
                long metricsEveryEvents, long metricsIntervalMs, long batchCheckIntervalMs, int maxCachedModels) {
            this(topics, storeName, defaultSpec, seedSpecs, metricsEveryEvents, metricsIntervalMs,
                    batchCheckIntervalMs, maxCachedModels, StateLimits.DEFAULT, Outputs.DEFAULT_MAX_ORIGINAL_BYTES);
        }
    }

    private TopologyFactory() {
    }

    /**
     * The name of sink node {@code base} of a processor whose sinks have {@code prefix} (the main sub-topology's
     * have none): every sub-topology has its own sink nodes, since a node shared by two joins them into one.
     */
    static String sink(String prefix, String base) {
        return prefix + base;
    }

    /** The settings of a service configuration. */
    public static Settings settings(ServiceConfig c) {
        return new Settings(c.topics(), STORE, c.defaultSpec(), c.seedSpecs(), c.metricsEveryEvents(),
                c.metricsIntervalMs(), c.batchCheckIntervalMs(), c.maxCachedModels(), c.modelLimits(),
                c.deadLetterMaxOriginalBytes());
    }

    /** The topology for a service configuration. */
    public static Topology build(ServiceConfig config) {
        return build(settings(config));
    }

    /** The topology for a service configuration, reporting to {@code metrics}. */
    public static Topology build(ServiceConfig config, TrainingMetrics metrics) {
        return build(settings(config), metrics);
    }

    /** The topology for explicit settings. */
    public static Topology build(Settings s) {
        return build(s, TrainingMetrics.NONE);
    }

    /** The topology for explicit settings, reporting to {@code metrics}. */
    public static Topology build(Settings s, TrainingMetrics metrics) {
        Topics t = s.topics();
        Topology topology = new Topology();
        StringDeserializer keys = new StringDeserializer();
        ByteArrayDeserializer values = new ByteArrayDeserializer();
        topology.addSource("training-events-source", keys, values, t.trainingEvents());
        topology.addSource("model-commands-source", keys, values, t.modelCommands());
        topology.addSource("prediction-requests-source", keys, values, t.predictionRequests());
        topology.addProcessor("training", () -> new TrainingProcessor(s, metrics), "training-events-source",
                "model-commands-source");
        topology.addSource("labels-source", keys, values, t.labels());
        topology.addSource("prediction-log-source", keys, values, t.predictionLog());
        topology.addProcessor("prediction", () -> new PredictionProcessor(s, metrics), "prediction-requests-source",
                "labels-source", "prediction-log-source");
        Map<String, String> logConfig = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(s.limits().maxMessageBytes()));
        topology.addStateStore(new ModelStoreBuilder(s.storeName(), s.maxCachedModels()).withLoggingEnabled(
                logConfig), "training", "prediction");
        for (StoreBuilder<?> b : PendingStore.builders(s.storeName(), logConfig)) {
            topology.addStateStore(b, "training", "prediction");
        }
        ReplicaTopology.add(topology, s, metrics, logConfig);
        StringSerializer keyOut = new StringSerializer();
        ByteArraySerializer valueOut = new ByteArraySerializer();
        topology.addSink(PARAMETERS_SINK, t.modelParameters(), keyOut, valueOut, "training", "prediction");
        topology.addSink(METRICS_SINK, t.modelMetrics(), keyOut, valueOut, "training", "prediction");
        topology.addSink(DEAD_LETTER_SINK, t.deadLetter(), keyOut, valueOut, "training", "prediction");
        topology.addSink(MODEL_EVENTS_SINK, t.modelEvents(), keyOut, valueOut, "training", "prediction");
        topology.addSink(PREDICTIONS_SINK, t.predictions(), keyOut, valueOut, "prediction");
        return topology;
    }
}
