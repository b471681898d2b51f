package org.streamlearn.app.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics idempotently and describes their partition counts.
 *
 * <p>Creating a topic that already exists with the requested partition count is not an error;
 * one that exists with another partition count is ({@link IllegalStateException}), since keyed
 * state would be partitioned differently. Configs of an existing topic are not compared here;
 * {@link #maxMessageBytes} reads the one the service depends on.
 *
 * <p>Each call waits at most the timeout (default 30 s) per topic; failures surface as Kafka's
 * unchecked exceptions ({@link KafkaException} and its subclasses).
 */
public final class TopicAdmin implements AutoCloseable {

    /** The default wait for each admin call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final boolean ownsAdmin;
    private final Duration timeout;

    private TopicAdmin(Admin admin, boolean ownsAdmin, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.ownsAdmin = ownsAdmin;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
    }

    /** A topic admin with its own admin client for {@code bootstrapServers}; {@link #close()} closes it. */
    public static TopicAdmin connect(String bootstrapServers) {
        return connect(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** A topic admin with its own admin client built from {@code adminConfig}; {@link #close()} closes it. */
    public static TopicAdmin connect(Map<String, Object> adminConfig) {
        return new TopicAdmin(Admin.create(adminConfig), true, DEFAULT_TIMEOUT);
    }

    /** A topic admin over a caller-owned admin client, which {@link #close()} leaves open. */
    public static TopicAdmin wrap(Admin admin, Duration timeout) {
        return new TopicAdmin(admin, false, timeout);
    }

    /**
     * Creates a topic unless it exists with the same partition count.
     *
     * @return true if it was created, false if it existed
     * @throws IllegalStateException if it exists with another partition count
     */
    public boolean createTopic(TopicSpec spec) {
        return !createTopics(List.of(spec)).isEmpty();
    }

    /**
     * Creates the topics that do not exist, in one request, and checks the partition counts of
     * those that do.
     *
     * @return the names of the topics created
     * @throws IllegalStateException if a topic exists with another partition count, or if two specs
     *                               name the same topic differently
     */
    public Set<String> createTopics(Collection<TopicSpec> specs) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            TopicSpec previous = byName.putIfAbsent(spec.name(), spec);
            if (previous != null && !previous.equals(spec)) {
                throw new IllegalStateException("two different specs for topic " + spec.name() + ": " + previous
                        + " and " + spec);
            }
        }
        if (byName.isEmpty()) {
            return Set.of();
        }
        CreateTopicsResult result = admin.createTopics(byName.values().stream().map(TopicSpec::toNewTopic).toList(),
                new CreateTopicsOptions().timeoutMs(timeoutMs()));
        Set<String> created = new LinkedHashSet<>();
        Set<String> existing = new LinkedHashSet<>();
        for (String name : byName.keySet()) {
            try {
                await(result.values().get(name), "create topic " + name);
                created.add(name);
            } catch (TopicExistsException e) {
                existing.add(name);
            }
        }
        awaitVisible(created);
        if (!existing.isEmpty()) {
            Map<String, Integer> counts = partitionCounts(existing);
            for (String name : existing) {
                Integer count = counts.get(name);
                int wanted = byName.get(name).partitions();
                if (count == null) {
                    throw new IllegalStateException("topic " + name
                            + " exists but cannot be described (is it being deleted?)");
                }
                if (count != wanted) {
                    throw new IllegalStateException("topic " + name + " exists with " + count
                            + " partitions, not the " + wanted + " wanted");
                }
            }
        }
        return created;
    }

    /**
     * Waits, within the timeout, until every created topic can be described: a topic's creation is acknowledged
     * by the controller before every broker's metadata knows it, and a describe in between answers "unknown
     * topic", which would read as "absent" to the caller's next check.
     */
    private void awaitVisible(Set<String> created) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> missing = new LinkedHashSet<>(created);
        while (!missing.isEmpty()) {
            missing.removeAll(partitionCounts(missing).keySet());
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("created topics " + missing + " are still not visible after "
                        + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + missing, e);
            }
        }
    }

    /** The partition count of a topic, or empty if it does not exist. */
    public OptionalInt partitionCount(String topic) {
        Integer count = partitionCounts(List.of(topic)).get(topic);
        return count == null ? OptionalInt.empty() : OptionalInt.of(count);
    }

    /** The partition counts of those of {@code topics} that exist. */
    public Map<String, Integer> partitionCounts(Collection<String> topics) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (topics.isEmpty()) {
            return counts;
        }
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(topics,
                new DescribeTopicsOptions().timeoutMs(timeoutMs())).topicNameValues();
        for (String topic : topics) {
            try {
                TopicDescription description = await(futures.get(topic), "describe topic " + topic);
                counts.put(topic, description.partitions().size());
            } catch (UnknownTopicOrPartitionException e) {
                // absent
            }
        }
        return counts;
    }

    /**
     * The effective {@code max.message.bytes} of those of {@code topics} that exist: the topic's own setting, or
     * the broker's {@code message.max.bytes} it inherits.
     */
    public Map<String, Integer> maxMessageBytes(Collection<String> topics) {
        Map<String, Integer> limits = new LinkedHashMap<>();
        if (topics.isEmpty()) {
            return limits;
        }
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, KafkaFuture<Config>> futures = admin.describeConfigs(resources).values();
        for (ConfigResource r : resources) {
            try {
                ConfigEntry e = await(futures.get(r), "describe the configs of topic " + r.name())
                        .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (e != null && e.value() != null) {
                    limits.put(r.name(), Integer.parseInt(e.value()));
                }
            } catch (UnknownTopicOrPartitionException e) {
                // absent
            }
        }
        return limits;
    }

    /** Closes the admin client if this object created it. */
    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close(timeout);
        }
    }

    private int timeoutMs() {
        return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    /** Waits for a future; rethrows a Kafka failure as itself, anything else wrapped. */
    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KafkaException ke) {
                throw ke;
            }
            throw new KafkaException("cannot " + what + ": " + cause, cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("cannot " + what + " within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
    }
}
