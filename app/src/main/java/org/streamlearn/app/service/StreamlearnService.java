package org.streamlearn.app.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.http.HttpApi;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.metrics.ServiceMetrics;
import org.streamlearn.app.streams.TopologyFactory;

/**
 * The streamlearn service: creates missing topics (partitions and replication from the config,
 * {@code model-parameters} compacted), refuses to start when the co-partitioned input topics differ in
 * partition count, then runs the topology of {@link TopologyFactory} with Kafka Streams and, unless disabled,
 * the HTTP API.
 */
public final class StreamlearnService implements AutoCloseable {

    private final ServiceConfig config;
    private KafkaStreams streams;
    private HttpApi http;
    private ServiceMetrics metrics;
    private boolean closed;
    private volatile Throwable fatalError;

    /** A service for {@code config}; nothing starts until {@link #start()}. */
    public StreamlearnService(ServiceConfig config) {
        this.config = config;
    }

    /** Thrown when the topics cannot be used as they are. */
    public static final class TopicMismatchException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        TopicMismatchException(String message) {
            super(message);
        }
    }

    /**
     * Creates the missing topics and checks the co-partitioning of the inputs.
     *
     * @return the topics created
     * @throws TopicMismatchException naming the topics and their partition counts when inputs differ
     */
    public static List<String> prepareTopics(ServiceConfig c, TopicAdmin admin) {
        Topics t = c.topics();
        Map<String, Integer> existing = admin.partitionCounts(t.all());
        List<TopicSpec> specs = new ArrayList<>();
        for (String name : t.all()) {
            if (existing.containsKey(name)) {
                continue; // an existing topic is used as it is; only the inputs' co-partitioning is checked
            }
            TopicSpec s = TopicSpec.of(name, c.partitions()).withReplicationFactor(c.replicationFactor());
            if (t.outputs().contains(name)) {
                // every record the service writes is bounded by model.max.message.bytes (StateLimits)
                s = s.withConfig(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(c.modelLimits().maxMessageBytes()));
            }
            specs.add(name.equals(t.modelParameters()) ? s.compacted() : s);
        }
        List<String> created = new ArrayList<>(admin.createTopics(specs));
        Map<String, Integer> counts = new TreeMap<>(admin.partitionCounts(t.inputs()));
        if (counts.values().stream().distinct().count() > 1) {
            throw new TopicMismatchException("the input topics must be co-partitioned (one model lives on one "
                    + "partition of each), but their partition counts differ: " + counts.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))
                    + ". Recreate or repartition them to the same count.");
        }
        return created;
    }

    /** The Kafka Streams properties of a configuration. */
    public static Properties streamsProperties(ServiceConfig c, String applicationServer) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.processingGuarantee());
        p.put(StreamsConfig.STATE_DIR_CONFIG, c.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.streamThreads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.commitIntervalMs());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) c.replicationFactor());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, c.cluster().standbyReplicas());
        if (applicationServer != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        int maxMessageBytes = c.modelLimits().maxMessageBytes();
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxMessageBytes);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG),
                Math.max(32L << 20, 2L * maxMessageBytes));
        p.putAll(c.kafkaOverrides());
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /** Prepares topics, starts Kafka Streams and the HTTP API; returns at once (see {@link #awaitRunning}). */
    public synchronized StreamlearnService start() {
        try (TopicAdmin admin = TopicAdmin.connect(config.kafkaClients().admin(Map.of()))) {
            prepareTopics(config, admin);
        }
        String server = null;
        metrics = new ServiceMetrics(config.http().metricsModelsMax());
        if (config.httpPort() >= 0) {
            http = HttpApi.create(config, metrics);
            server = http.metadata().self().host() + ":" + http.metadata().self().port();
        }
        streams = new KafkaStreams(TopologyFactory.build(config, metrics), streamsProperties(config, server));
        metrics.bind(streams);
        streams.setUncaughtExceptionHandler(e -> {
            Throwable fatal = securityFailure(e);
            if (fatal != null) {
                fatalError = fatal; // retrying cannot help: stop, and let awaitRunning and the caller say why
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        if (http != null) {
            http.attach(streams);
            http.start();
        }
        streams.start();
        return this;
    }

    /** Waits until Kafka Streams is RUNNING. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                Throwable fatal = fatalError;
                throw new IllegalStateException("Kafka Streams stopped: " + streams.state() + (fatal == null ? ""
                        : " after a fatal " + fatal.getClass().getSimpleName() + ": " + fatal.getMessage()), fatal);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not running after " + timeout + ": " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /**
     * The authentication or authorization failure in {@code e}'s cause chain, or null. Kafka reports wrong
     * credentials ({@link AuthenticationException}, e.g. {@code SaslAuthenticationException}) and missing ACLs
     * ({@link AuthorizationException}) as non-retriable: a replaced stream thread would fail the same way for
     * ever, so the client shuts down instead.
     */
    static Throwable securityFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
                return t;
            }
        }
        return null;
    }

    /** The fatal (security) error that stopped Kafka Streams, or null. */
    public Throwable fatalError() {
        return fatalError;
    }

    /** The Kafka Streams instance (after start). */
    public KafkaStreams streams() {
        return streams;
    }

    /** The service's metrics (after start). */
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** The HTTP API, or null when disabled. */
    public HttpApi http() {
        return http;
    }

    /** The configuration. */
    public ServiceConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (http != null) {
            http.close();
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
