package org.streamlearn.app.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import org.streamlearn.app.kafka.KafkaClientConfig;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.state.StateLimits;

/**
 * The whole service configuration, validated at construction; see {@link ConfigLoader} for the keys.
 *
 * @param bootstrapServers     Kafka bootstrap servers
 * @param applicationId        Kafka Streams application id (consumer group, changelog prefix)
 * @param topics               topic names
 * @param partitions           partitions of topics the app creates
 * @param replicationFactor    replication of topics the app creates
 * @param processingGuarantee  {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param stateDir             Kafka Streams state directory
 * @param streamThreads        stream threads
 * @param commitIntervalMs     commit interval (also how stale interactive queries may be)
 * @param metricsEveryEvents   publish a model's rolling loss every N events it learns
 * @param metricsIntervalMs    and every T ms for models that learned since their last publication (0: never)
 * @param batchCheckIntervalMs how often open mini-batches are checked against their {@code maxDelayMs}
 * @param defaultSpec          spec template for models created by their first event (dimension from the event)
 * @param seedSpecs            specs of models created by their first event, by model id (from {@code --spec-dir})
 * @param httpPort             HTTP API port (0: pick a free one; negative: no HTTP server)
 * @param httpHost             HTTP bind address
 * @param maxCachedModels      live models kept decoded per task
 * @param kafkaOverrides       Kafka client settings ({@code kafka.*} keys, prefix removed): all to Kafka Streams,
 *                             to other clients as {@link #kafkaClients()} says
 * @param modelLimits          {@code model.max.parameters} and {@code model.max.message.bytes}
 * @param http                 the HTTP API's auth, timeouts and threads, and the bounds of {@code /metrics}
 * @param cluster              advertised address, standbys and stale reads (many instances)
 * @param lifecycle            shutdown bounds and group leaving ({@code shutdown.*} keys)
 * @param deadLetterMaxOriginalBytes how much of a bad record a dead letter copies ({@code dead.letter.max.original.bytes})
 */
public record ServiceConfig(String bootstrapServers, String applicationId, Topics topics, int partitions,
        short replicationFactor, String processingGuarantee, Path stateDir, int streamThreads, long commitIntervalMs,
        long metricsEveryEvents, long metricsIntervalMs, long batchCheckIntervalMs, ObjectNode defaultSpec,
        Map<String, ModelSpec> seedSpecs, int httpPort, String httpHost, int maxCachedModels,
        Map<String, String> kafkaOverrides, StateLimits modelLimits, HttpSettings http,
        ClusterSettings cluster, LifecycleSettings lifecycle, int deadLetterMaxOriginalBytes) {

    /** The largest {@code dead.letter.max.original.bytes}: half of Kafka's default {@code max.message.bytes}. */
    public static final int MAX_DEAD_LETTER_ORIGINAL_BYTES = 512 * 1024;

    /** Validates every field. */
    public ServiceConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new ConfigException("bootstrap.servers", "required (host:port[,host:port...])");
        }
        for (String hp : bootstrapServers.split(",")) {
            if (!hp.trim().matches("[^:\\s]+:\\d{1,5}")) {
                throw new ConfigException("bootstrap.servers", "'" + hp.trim() + "' is not host:port");
            }
        }
        if (applicationId == null || !applicationId.matches("[a-zA-Z0-9._-]+")) {
            throw new ConfigException("application.id", "must be letters, digits, '.', '_' or '-', got '"
                    + applicationId + "'");
        }
        if (topics == null) {
            throw new ConfigException("topic", "required");
        }
        if (partitions < 1) {
            throw new ConfigException("topics.partitions", "must be >= 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new ConfigException("topics.replication.factor", "must be >= 1, got " + replicationFactor);
        }
        if (!"exactly_once_v2".equals(processingGuarantee) && !"at_least_once".equals(processingGuarantee)) {
            throw new ConfigException("processing.guarantee", "must be exactly_once_v2 or at_least_once, got '"
                    + processingGuarantee + "'");
        }
        if (stateDir == null) {
            throw new ConfigException("state.dir", "required");
        }
        if (streamThreads < 1) {
            throw new ConfigException("num.stream.threads", "must be >= 1, got " + streamThreads);
        }
        if (commitIntervalMs < 1) {
            throw new ConfigException("commit.interval.ms", "must be >= 1, got " + commitIntervalMs);
        }
        if (metricsEveryEvents < 1) {
            throw new ConfigException("metrics.every.events", "must be >= 1, got " + metricsEveryEvents);
        }
        if (metricsIntervalMs < 0) {
            throw new ConfigException("metrics.interval.ms", "must be >= 0, got " + metricsIntervalMs);
        }
        if (batchCheckIntervalMs < 1) {
            throw new ConfigException("batch.check.interval.ms", "must be >= 1, got " + batchCheckIntervalMs);
        }
        if (defaultSpec == null) {
            throw new ConfigException("default.spec", "required");
        }
        seedSpecs = Map.copyOf(seedSpecs == null ? Map.of() : seedSpecs);
        if (httpPort > 65535) {
            throw new ConfigException("http.port", "must be <= 65535, got " + httpPort);
        }
        if (maxCachedModels < 1) {
            throw new ConfigException("cache.max.models", "must be >= 1, got " + maxCachedModels);
        }
        kafkaOverrides = Map.copyOf(kafkaOverrides == null ? Map.of() : kafkaOverrides);
        if (deadLetterMaxOriginalBytes < 0 || deadLetterMaxOriginalBytes > MAX_DEAD_LETTER_ORIGINAL_BYTES) {
            throw new ConfigException("dead.letter.max.original.bytes", "must be in 0.."
                    + MAX_DEAD_LETTER_ORIGINAL_BYTES + ", got " + deadLetterMaxOriginalBytes);
        }
        if (lifecycle == null) {
            lifecycle = LifecycleSettings.DEFAULT;
        }
        if (cluster == null) {
            throw new ConfigException("http.advertised.url", "cluster settings required");
        }
        if (http == null) {
            http = HttpSettings.DEFAULT;
        }
        if (modelLimits == null) {
            throw new ConfigException("model.max.parameters", "required");
        }
    }

    /** The Kafka client configuration every client of the process takes: bootstrap servers and {@code kafka.*}. */
    public KafkaClientConfig kafkaClients() {
        return KafkaClientConfig.of(bootstrapServers, kafkaOverrides);
    }

    /** This configuration with other model limits ({@code model.max.parameters}, {@code model.max.message.bytes}). */
    public ServiceConfig withModelLimits(StateLimits limits) {
        return new ServiceConfig(bootstrapServers, applicationId, topics, partitions, replicationFactor,
                processingGuarantee, stateDir, streamThreads, commitIntervalMs, metricsEveryEvents, metricsIntervalMs,
                batchCheckIntervalMs, defaultSpec, seedSpecs, httpPort, httpHost, maxCachedModels, kafkaOverrides,
                limits, http, cluster, lifecycle, deadLetterMaxOriginalBytes);
    }

    /** Whether exactly-once is on. */
    public boolean exactlyOnce() {
        return "exactly_once_v2".equals(processingGuarantee);
    }
}
