package org.streamlearn.app.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The one Kafka client configuration of a process: {@code bootstrap.servers} and the {@code kafka.*} settings
 * (prefix removed), from which every client the process creates takes its settings: Kafka Streams (all of
 * them, as they are), and the admin client, producers and consumers that streamlearn makes itself (topic
 * creation, the HTTP API's command producer, {@code produce}, {@code backtest --topic}, the demo).
 *
 * <p>A plain client takes, in increasing precedence: the defaults its caller chose, then every setting that
 * this kind of client knows ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, timeouts …), then the
 * settings given with Kafka Streams' prefix for that kind ({@code producer.*}, {@code consumer.*},
 * {@code admin.*}), prefix removed. So one set of {@code kafka.security.protocol}, {@code kafka.sasl.*} and
 * {@code kafka.ssl.*} settings reaches every client, and settings meant for Streams alone
 * ({@code kafka.num.standby.replicas}) are not passed to clients that would warn about them.
 */
public final class KafkaClientConfig {

    private final String bootstrapServers;
    private final Map<String, String> settings;

    private KafkaClientConfig(String bootstrapServers, Map<String, String> settings) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.settings = Map.copyOf(settings);
    }

    /**
     * A configuration for the cluster at {@code bootstrapServers}.
     *
     * @param settings Kafka settings ({@code kafka.*} keys with the prefix removed)
     */
    public static KafkaClientConfig of(String bootstrapServers, Map<String, String> settings) {
        return new KafkaClientConfig(bootstrapServers, settings == null ? Map.of() : settings);
    }

    /** The bootstrap servers. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The settings ({@code kafka.*} keys, prefix removed), in key order; Kafka Streams takes them all. */
    public Map<String, String> settings() {
        return new TreeMap<>(settings);
    }

    /** An admin client's configuration: {@code defaults}, then the admin settings, then {@code admin.*}. */
    public Map<String, Object> admin(Map<String, ?> defaults) {
        return client(defaults, AdminClientConfig.configNames(), "admin.");
    }

    /** A producer's configuration: {@code defaults}, then the producer settings, then {@code producer.*}. */
    public Map<String, Object> producer(Map<String, ?> defaults) {
        return client(defaults, ProducerConfig.configNames(), "producer.");
    }

    /** A consumer's configuration: {@code defaults}, then the consumer settings, then {@code consumer.*}. */
    public Map<String, Object> consumer(Map<String, ?> defaults) {
        return client(defaults, ConsumerConfig.configNames(), "consumer.");
    }

    private Map<String, Object> client(Map<String, ?> defaults, Set<String> known, String prefix) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.putAll(defaults);
        Map<String, String> sorted = new TreeMap<>(settings);
        sorted.forEach((k, v) -> {
            if (known.contains(k)) {
                c.put(k, v);
            }
        });
        sorted.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                c.put(k.substring(prefix.length()), v);
            }
        });
        return c;
    }

    @Override
    public String toString() {
        // never the values: they hold passwords
        return "KafkaClientConfig[" + bootstrapServers + ", settings " + new TreeMap<>(settings).keySet() + "]";
    }
}
