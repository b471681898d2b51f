package org.streamlearn.app.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.streamlearn.app.config.LifecycleSettings;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.http.HttpApi;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.metrics.ServiceMetrics;
import org.streamlearn.app.streams.ReplicaTopology;
import org.streamlearn.app.streams.TopologyFactory;

/**
 * The streamlearn service: creates missing topics (partitions and replication from the config,
 * {@code model-parameters} compacted), refuses to start when the co-partitioned input topics differ in
 * partition count, then runs the topology of {@link TopologyFactory} with Kafka Streams and, unless disabled,
 * the HTTP API.
 *
 * <p>Its life in a cluster: a {@link FailureWatch} turns a fatal Kafka Streams error, or Kafka Streams shutting
 * down on its own, into {@link #failure()}; {@link #close()} is bounded (each of the HTTP server and Kafka Streams
 * gets its configured timeout, reachable broker or not) and leaves the consumer group, so that a restarted
 * instance does not wait out the group's session timeout.
 */
public final class StreamlearnService implements AutoCloseable {

    /**
     * Consumer settings that bound the failover after a crash ({@code kill -9}): a member that stops
     * heartbeating leaves the group after 6 s (the broker's default minimum) instead of Kafka's 45 s. Each can be
     * overridden with {@code kafka.<property>}.
     */
    public static final Map<String, Object> FAILOVER_DEFAULTS = Map.of(
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_500);

    /**
     * Under exactly-once, the new owner of a crashed instance's tasks restores them reading committed data only,
     * so it waits until the crashed producer's open transaction times out and is aborted: 5 s instead of Kafka
     * Streams' 10 s (the broker aborts it at its next check,
     * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}). Overridable with
     * {@code kafka.transaction.timeout.ms}.
     */
    public static final int TRANSACTION_TIMEOUT_MS = 5_000;

    /**
     * The producer's {@code batch.size}: 64 KiB instead of Kafka's 16 KiB. With many models nearly every event
     * writes a changelog record of about 1 KB, and 16 KiB batches of those made a produce request every 15 records
     * or so. 64 KiB learned 100,000 models 1.37-1.38 times as fast as 16 KiB in two A/B runs and 1.03-1.06 times
     * in two later ones (docs/benchmarks.md, figure 2); 256 KiB and 1 MiB did no better. It adds no latency (a
     * batch still goes when {@code linger.ms} passes or a commit flushes) and holds at most 64 KiB per partition
     * with records waiting. Overridable with {@code kafka.producer.batch.size}.
     */
    public static final int PRODUCER_BATCH_BYTES = 64 * 1024;

    private volatile ServiceConfig config;
    private final FailureWatch watch = new FailureWatch();
    private KafkaStreams streams;
    private HttpApi http;
    private ServiceMetrics metrics;
    private StartupProgress startup;
    private boolean closed;

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
        List<String> all = new ArrayList<>(t.all());
        all.addAll(ReplicaTopology.topics(t));
        Map<String, Integer> existing = admin.partitionCounts(all);
        List<TopicSpec> specs = new ArrayList<>();
        for (String name : all) {
            if (existing.containsKey(name)) {
                continue; // an existing topic is used as it is; only the inputs' co-partitioning is checked
            }
            TopicSpec s = TopicSpec.of(name, c.partitions()).withReplicationFactor(c.replicationFactor());
            if (t.outputs().contains(name) || ReplicaTopology.topics(t).contains(name)) {
                // every record the service writes is bounded by model.max.message.bytes (StateLimits)
                s = s.withConfig(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(c.modelLimits().maxMessageBytes()));
            }
            boolean compacted = name.equals(t.modelParameters()) || name.equals(ReplicaTopology.merged(t));
            specs.add(compacted ? s.compacted() : s);
        }
        List<String> created = new ArrayList<>(admin.createTopics(specs));
        List<String> inputs = new ArrayList<>(t.inputs());
        inputs.addAll(ReplicaTopology.topics(t));
        // the counts already known, unless topics were created (then described again, as the broker has them)
        Map<String, Integer> counts = new TreeMap<>(created.isEmpty() ? existing : admin.partitionCounts(inputs));
        counts.keySet().retainAll(inputs);
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
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG),
                Math.max(32L << 20, 2L * maxMessageBytes));
        p.putAll(FAILOVER_DEFAULTS);
        if (c.exactlyOnce()) {
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        }
        p.putAll(c.kafkaOverrides());
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /** Prepares topics, starts Kafka Streams and the HTTP API; returns at once (see {@link #awaitRunning}). */
    public synchronized StreamlearnService start() {
        startup = new StartupProgress();
        try (TopicAdmin admin = TopicAdmin.connect(config.kafkaClients().admin(Map.of()))) {
            prepareTopics(config, admin);
            config = TopicLimits.fit(config, admin);
        }
        startup.mark(StartupProgress.Phase.TOPICS_CHECKED);
        String server = null;
        metrics = new ServiceMetrics(config.http().metricsModelsMax());
        metrics.register(startup);
        if (config.httpPort() >= 0) {
            http = HttpApi.create(config, metrics);
            server = http.metadata().self().host() + ":" + http.metadata().self().port();
        }
        streams = new KafkaStreams(TopologyFactory.build(config, metrics), streamsProperties(config, server));
        metrics.bind(streams);
        streams.setUncaughtExceptionHandler(watch.handler());
        streams.setStateListener(startup.listener(watch.listener()));
        streams.setGlobalStateRestoreListener(startup);
        if (http != null) {
            http.attach(streams);
            http.start();
        }
        streams.start();
        startup.mark(StartupProgress.Phase.STREAMS_STARTED);
        return this;
    }

    /** Waits until Kafka Streams is RUNNING; throws, with the reason, when it fails first. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (watch.reason().isPresent()) {
                throw new IllegalStateException(watch.reason().get());
            }
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("Kafka Streams stopped: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not running after " + timeout + ": " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /**
     * The watch over fatal failures: {@code failure()} completes with the reason when Kafka Streams fails for good
     * or shuts down on its own; other components report their fatal errors through {@code fail(reason)}.
     */
    public FailureWatch failure() {
        return watch;
    }

    /** The Kafka Streams instance (after start). */
    public KafkaStreams streams() {
        return streams;
    }

    /** The service's metrics (after start). */
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** The phases of the start and the progress of the restores (after start). */
    public StartupProgress startup() {
        return startup;
    }

    /** The HTTP API, or null when disabled. */
    public HttpApi http() {
        return http;
    }

    /** The configuration. */
    public ServiceConfig config() {
        return config;
    }

    /**
     * Stops the HTTP server and Kafka Streams, each within its configured timeout
     * ({@code shutdown.http.timeout.ms}, {@code shutdown.streams.timeout.ms}), whether or not the broker is
     * reachable; Kafka Streams leaves the consumer group unless {@code shutdown.leave.group=false}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        watch.closing();
        LifecycleSettings life = config.lifecycle();
        if (http != null) {
            Bounded.run("HTTP server close", Duration.ofMillis(life.httpCloseTimeoutMs()), http::close);
        }
        if (streams != null) {
            Duration timeout = Duration.ofMillis(life.streamsCloseTimeoutMs());
            CloseOptions options = CloseOptions.groupMembershipOperation(life.leaveGroupOnClose()
                    ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                    : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP).withTimeout(timeout);
            // close(options) honours the timeout itself; the margin only guards against a step outside it
            Bounded.run("Kafka Streams close", timeout.plusSeconds(2), () -> streams.close(options));
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
