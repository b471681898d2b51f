package org.streamlearn.app.backtest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.streamlearn.app.kafka.KafkaClientConfig;

/**
 * A topic replayed from its beginning up to the end offsets seen when the backtest starts (events arriving
 * later are not included), read committed, without a consumer group (nothing is committed, the live service
 * is not disturbed). With a key filter only that model's records are kept; since a model lives on one
 * partition, its events come in their original order. Without a filter, partitions are read one after
 * another, each in order.
 */
public final class TopicSource implements Source {

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String key;
    private final Map<TopicPartition, Long> end = new HashMap<>();
    private final Deque<ConsumerRecord<String, byte[]>> buffer = new ArrayDeque<>();
    private final List<TopicPartition> remaining = new ArrayList<>();
    private final long total;
    private long read;
    private String where = "";

    /** Opens {@code topic} on {@code bootstrap}; {@code key} null: every record. */
    public TopicSource(String bootstrap, String topic, String key) {
        this(KafkaClientConfig.of(bootstrap, Map.of()), topic, key);
    }

    /**
     * Opens {@code topic} with a consumer configured from {@code kafka} (read committed, no group, nothing
     * committed, whatever it says); {@code key} null: every record.
     */
    public TopicSource(KafkaClientConfig kafka, String topic, String key) {
        String bootstrap = kafka.bootstrapServers();
        Map<String, Object> p = kafka.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.key = key;
        List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (parts == null || parts.isEmpty()) {
            consumer.close();
            throw new IllegalArgumentException("--topic: no topic '" + topic + "' on " + bootstrap);
        }
        List<TopicPartition> tps = parts.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
        end.putAll(consumer.endOffsets(tps));
        long sum = 0;
        for (TopicPartition tp : tps) {
            long n = end.get(tp) - begin.get(tp);
            if (n > 0) {
                remaining.add(tp);
                sum += n;
            }
        }
        this.total = sum;
        if (!remaining.isEmpty()) {
            assign();
        }
    }

    private void assign() {
        TopicPartition tp = remaining.get(0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
    }

    @Override
    public String next() {
        while (true) {
            ConsumerRecord<String, byte[]> r = buffer.poll();
            if (r != null) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= end.get(tp)) {
                    continue;
                }
                read++;
                where = r.topic() + "-" + r.partition() + "@" + r.offset();
                if (key != null && !key.equals(r.key())) {
                    continue;
                }
                return r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
            }
            if (remaining.isEmpty()) {
                return null;
            }
            TopicPartition tp = remaining.get(0);
            if (consumer.position(tp) >= end.get(tp)) {
                remaining.remove(0);
                if (remaining.isEmpty()) {
                    return null;
                }
                assign();
                continue;
            }
            for (ConsumerRecord<String, byte[]> c : consumer.poll(Duration.ofMillis(500))) {
                buffer.add(c);
            }
        }
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public double progress() {
        return total == 0 ? 1.0 : Math.min(1.0, (double) read / total);
    }

    @Override
    public String name() {
        return topic + (key == null ? "" : " (key " + key + ")");
    }

    @Override
    public void close() {
        consumer.close();
    }
}
