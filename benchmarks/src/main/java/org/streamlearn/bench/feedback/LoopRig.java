package org.streamlearn.bench.feedback;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;

/**
 * What both feedback benchmarks share: one service's topics (named after a prefix, the co-partitioned inputs
 * created up front with the same partition count so that records can be produced before the service starts),
 * its configuration, a producer of timestamped records, and a clock on the consumer group's committed offsets.
 */
final class LoopRig {

    final String bootstrap;
    final String app;
    final Topics topics;
    final int partitions;

    /** A rig for application {@code app} on {@code bootstrap}: its input topics are created now. */
    LoopRig(String bootstrap, String app, int partitions) {
        this.bootstrap = bootstrap;
        this.app = app;
        this.partitions = partitions;
        this.topics = new Topics(app + "-training-events", app + "-model-commands", app + "-prediction-requests",
                app + "-model-parameters", app + "-model-metrics", app + "-predictions", app + "-dead-letter",
                app + "-model-events", app + "-labels", app + "-prediction-log");
        List<TopicSpec> inputs = new ArrayList<>();
        for (String t : List.of(topics.trainingEvents(), topics.modelCommands(), topics.predictionRequests(),
                topics.labels(), topics.predictionLog())) {
            inputs.add(TopicSpec.of(t, partitions));
        }
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            admin.createTopics(inputs);
        }
    }

    /** The service's configuration: exactly-once, no HTTP, a 100 ms commit interval, state in {@code state}. */
    ServiceConfig config(Path state) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("bootstrap.servers", bootstrap);
        o.put("application.id", app);
        o.put("state.dir", state.toString());
        o.put("processing.guarantee", "exactly_once_v2");
        o.put("http.port", "-1");
        o.put("topics.partitions", Integer.toString(partitions));
        o.put("topic.training-events", topics.trainingEvents());
        o.put("topic.model-commands", topics.modelCommands());
        o.put("topic.prediction-requests", topics.predictionRequests());
        o.put("topic.model-parameters", topics.modelParameters());
        o.put("topic.model-metrics", topics.modelMetrics());
        o.put("topic.predictions", topics.predictions());
        o.put("topic.dead-letter", topics.deadLetter());
        o.put("topic.model-events", topics.modelEvents());
        o.put("topic.labels", topics.labels());
        o.put("topic.prediction-log", topics.predictionLog());
        o.put("metrics.every.events", "10000");
        o.put("kafka.consumer.auto.offset.reset", "earliest");
        return ConfigLoader.load(null, Map.of(), o);
    }

    /** A producer with large batches; values are UTF-8 JSON. */
    KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends {@code json} to {@code topic} under {@code key} with record timestamp {@code timestampMs}. */
    static void send(KafkaProducer<String, byte[]> p, String topic, String key, long timestampMs, String json) {
        p.send(new ProducerRecord<>(topic, null, timestampMs, key, json.getBytes(StandardCharsets.UTF_8)));
    }

    /** An upsert command of {@code spec}. */
    static String upsert(String spec) {
        return "{\"command\":\"upsert\",\"spec\":" + spec + "}";
    }

    /**
     * Waits until the group has committed {@code total} offsets over {@code inputs}, and returns the records
     * per second from its first commit (start-up and the group join not counted) to the last.
     */
    double awaitCommitted(Collection<String> inputs, long total, Duration limit) throws Exception {
        Set<String> wanted = Set.copyOf(inputs);
        try (Admin admin = admin()) {
            long deadline = System.nanoTime() + limit.toNanos();
            long firstAt = 0;
            long firstSum = 0;
            while (System.nanoTime() < deadline) {
                long sum = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(app)
                        .partitionsToOffsetAndMetadata().get().entrySet()) {
                    if (wanted.contains(e.getKey().topic()) && e.getValue() != null) {
                        sum += e.getValue().offset();
                    }
                }
                long now = System.nanoTime();
                if (sum > 0 && firstAt == 0) {
                    firstAt = now;
                    firstSum = sum;
                }
                if (sum >= total) {
                    if (now == firstAt) {
                        throw new IllegalStateException("too few records to measure a rate: use more");
                    }
                    return (total - firstSum) / ((now - firstAt) / 1e9);
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException(app + " did not commit " + total + " offsets of " + inputs + " in " + limit);
    }

    /** The number of records on {@code topic} (end offsets; a transactional topic counts its markers too). */
    long records(String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> ends = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long n = 0;
            for (var e : admin.listOffsets(ends).all().get().values()) {
                n += e.offset();
            }
            return n;
        }
    }

    /** Up to {@code n} values of {@code topic} from its start (committed records only), for a diagnosis. */
    List<String> firstValues(String topic, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                parts.add(new TopicPartition(topic, i));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.key() + " " + r.value()));
            }
        }
        return out.subList(0, Math.min(n, out.size()));
    }

    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }
}
