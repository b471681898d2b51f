package org.streamlearn.it.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic from the beginning with {@code isolation.level=read_committed} (only what the service's
 * exactly-once transactions committed), keeping every record read so far. Not thread-safe: one thread polls.
 */
public final class TopicReader implements AutoCloseable {

    private final String topic;
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

    /** A reader of {@code topic} (which must exist, or appear within 60 s). */
    public TopicReader(String bootstrap, String topic) {
        this(bootstrap, topic, true);
    }

    /**
     * A reader of {@code topic}; {@code committed} false reads uncommitted records too ({@code read_uncommitted}:
     * to see what a transaction has written before it commits).
     */
    public TopicReader(String bootstrap, String topic, boolean committed) {
        this.topic = topic;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = new ArrayList<>();
        await("partitions of " + topic).atMost(Duration.ofSeconds(60)).pollInSameThread()
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                    List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                    partitions.clear();
                    if (info != null) {
                        info.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                    }
                    return !partitions.isEmpty();
                });
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** One poll; returns the new records. */
    public List<ConsumerRecord<String, String>> poll(Duration timeout) {
        List<ConsumerRecord<String, String>> fresh = new ArrayList<>();
        consumer.poll(timeout).forEach(fresh::add);
        records.addAll(fresh);
        return fresh;
    }

    /** Polls until {@code done} holds for the records read so far; fails after {@code timeout}. */
    public List<ConsumerRecord<String, String>> awaitRecords(String what, Duration timeout,
            Predicate<List<ConsumerRecord<String, String>>> done) {
        await(what + " on " + topic).atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    poll(Duration.ofMillis(200));
                    return done.test(records);
                });
        return records();
    }

    /** Polls until the latest record of {@code key} (its value as JSON) satisfies {@code done}; returns it. */
    public JsonNode awaitLatest(String key, Duration timeout, Predicate<JsonNode> done) {
        awaitRecords("latest record of '" + key + "' as expected", timeout, rs -> {
            JsonNode v = latest(key);
            return v != null && done.test(v);
        });
        return latest(key);
    }

    /** The latest value of {@code key} read so far, parsed as JSON; null if none (or a tombstone). */
    public JsonNode latest(String key) {
        for (int i = records.size() - 1; i >= 0; i--) {
            ConsumerRecord<String, String> r = records.get(i);
            if (key.equals(r.key())) {
                return r.value() == null ? null : Json.parse(r.value());
            }
        }
        return null;
    }

    /** Whether the last record of {@code key} read so far is a tombstone (a null value). */
    public boolean lastIsTombstone(String key) {
        for (int i = records.size() - 1; i >= 0; i--) {
            ConsumerRecord<String, String> r = records.get(i);
            if (key.equals(r.key())) {
                return r.value() == null;
            }
        }
        return false;
    }

    /** The values of {@code key} read so far, parsed, in order. */
    public List<JsonNode> values(String key) {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            if (key.equals(r.key()) && r.value() != null) {
                out.add(Json.parse(r.value()));
            }
        }
        return out;
    }

    /**
     * Reads until the position reaches the end of every partition as of now (for read_committed: the last stable
     * offset, i.e. everything committed so far); fails after {@code timeout}.
     */
    public List<ConsumerRecord<String, String>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
        await("the end of " + topic + " " + end).atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    poll(Duration.ofMillis(200));
                    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                        if (consumer.position(e.getKey()) < e.getValue()) {
                            return false;
                        }
                    }
                    return true;
                });
        return records();
    }

    /** Every record of {@code topic} as of now (read_committed: everything committed so far). */
    public static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, Duration timeout) {
        try (TopicReader reader = new TopicReader(bootstrap, topic)) {
            return reader.readToEnd(timeout);
        }
    }

    /** Every record read so far. */
    public List<ConsumerRecord<String, String>> records() {
        return Collections.unmodifiableList(records);
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
