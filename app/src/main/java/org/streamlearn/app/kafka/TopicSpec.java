package org.streamlearn.app.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic to create: name, partition count, replication factor and topic configs (e.g.
 * {@code cleanup.policy=compact}). Immutable; the {@code with...} methods return copies.
 *
 * @param name              the topic name
 * @param partitions        the partition count, at least 1
 * @param replicationFactor the replication factor, at least 1
 * @param configs           topic-level configs, copied
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    /** Validates and copies. */
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("blank topic name");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, not " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + ": replication factor must be at least 1, not "
                    + replicationFactor);
        }
        configs = Map.copyOf(Objects.requireNonNull(configs, "configs"));
    }

    /** A topic with replication factor 1 and no configs, as on a single local broker. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, (short) 1, Map.of());
    }

    /** A copy with {@code key=value} added to the configs. */
    public TopicSpec withConfig(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(configs);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new TopicSpec(name, partitions, replicationFactor, copy);
    }

    /** A copy with {@code cleanup.policy=compact}: a changelog of the latest value per key. */
    public TopicSpec compacted() {
        return withConfig(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** A copy with another replication factor. */
    public TopicSpec withReplicationFactor(int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replication factor out of range: " + replicationFactor);
        }
        return new TopicSpec(name, partitions, (short) replicationFactor, configs);
    }

    /** The admin client's form. */
    public NewTopic toNewTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }
}
