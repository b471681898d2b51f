package org.streamlearn.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.store.json.Json;

/**
 * The jobs the end-to-end drivers time on one local broker: producing events, a Kafka Streams pass-through
 * (read, parse the JSON, write) and the streamlearn service, each timed by its consumer group's committed offsets.
 */
final class Jobs {

    /** Distinct event values a produced stream cycles through. */
    static final int DISTINCT_EVENTS = 20_000;

    private Jobs() {
    }

    /**
     * Produces {@code events} training events (regression, {@code d} features) to {@code topic}, keyed
     * {@code model-<k>}: round robin over {@code models} keys, or uniformly at random (seeded) when
     * {@code random}. The values cycle through {@value #DISTINCT_EVENTS} generated events (generating each one
     * would make producing the slowest part of a run).
     */
    static void produce(String bootstrap, String topic, int events, int models, int d, boolean random) {
        String[] keys = new String[models];
        for (int k = 0; k < models; k++) {
            keys[k] = "model-" + k;
        }
        produce(bootstrap, topic, events, d, random, keys);
    }

    /** As {@link #produce(String, String, int, int, int, boolean)}, over the record keys {@code keys}. */
    static void produce(String bootstrap, String topic, int events, int d, boolean random, String... keys) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        StreamGenerator gen = new StreamGenerator(StreamGenerator.Task.REGRESSION, d, 1, Long.MAX_VALUE, 0.1, 1);
        byte[][] values = new byte[Math.min(events, DISTINCT_EVENTS)][];
        for (int i = 0; i < values.length; i++) {
            values[i] = gen.next().getBytes(StandardCharsets.UTF_8);
        }
        SplittableRandom pick = new SplittableRandom(7);
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                int k = random ? pick.nextInt(keys.length) : i % keys.length;
                producer.send(new ProducerRecord<>(topic, keys[k], values[i % values.length]));
            }
        }
        System.out.printf("produced %,d events (%,d keys) to %s in %.1f s%n", events, keys.length, topic,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Runs a Kafka Streams pass-through over {@code input}: each value is parsed as JSON (the service's shared
     * mapper) and written unchanged to {@link #passOutput}. Same guarantee and commit interval as the service.
     *
     * @return events/s (see {@link #awaitCommitted})
     */
    static double passThrough(String bootstrap, String input, int events, String guarantee, Path state, String app)
            throws Exception {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .mapValues(v -> parse(v) == null ? null : v)
                .to(passOutput(input), Produced.with(Serdes.String(), Serdes.ByteArray()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            streams.start();
            return awaitCommitted(bootstrap, app, input, events);
        }
    }

    /** The pass-through's output topic for {@code input}: create it with the input's partition count. */
    static String passOutput(String input) {
        return input + "-pass-output";
    }

    private static JsonNode parse(byte[] v) {
        try {
            return Json.MAPPER.readTree(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The configuration of a streamlearn service reading {@code input} ({@code topics.partitions} partitions),
     * d = from the events, Adam or {@code optimizer}, its other topics named after {@code app}; {@code extra}
     * (service settings) last.
     */
    static ServiceConfig serviceConfig(String bootstrap, String app, String input, int partitions, String guarantee,
            String optimizer, Path state, int httpPort, Map<String, String> extra) {
        return ConfigLoader.load(null, Map.of(), serviceSettings(bootstrap, app, input, partitions, guarantee,
                optimizer, state, httpPort, extra));
    }

    /** The settings of {@link #serviceConfig}, as a {@code streamlearn.properties} file would give them. */
    static Map<String, String> serviceSettings(String bootstrap, String app, String input, int partitions,
            String guarantee, String optimizer, Path state, int httpPort, Map<String, String> extra) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("bootstrap.servers", bootstrap);
        o.put("application.id", app);
        o.put("state.dir", state.toString());
        o.put("processing.guarantee", guarantee);
        o.put("http.port", Integer.toString(httpPort));
        o.put("topics.partitions", Integer.toString(partitions));
        o.put("topic.training-events", input);
        for (String t : new String[] {"model-commands", "prediction-requests", "model-parameters", "model-metrics",
            "predictions", "dead-letter", "model-events", "labels", "prediction-log"}) {
            o.put("topic." + t, app + "-" + t);
        }
        o.put("default.spec", "{\"task\":\"regression\",\"optimizer\":{\"type\":\"" + optimizer + "\"},"
                + "\"publishEvery\":10000}");
        o.put("metrics.every.events", "10000");
        o.put("kafka.consumer.auto.offset.reset", "earliest");
        o.putAll(extra);
        return o;
    }

    /** What a timed service run measured. */
    record Run(double eventsPerSecond, long heapBytes, long stateDirBytes) {
    }

    /**
     * Starts the service, times it until it has committed {@code events} offsets of its input, measures the heap
     * in use (after a GC) while it still holds every model, stops it and measures its state directory.
     *
     * @param baseHeap the heap in use before the service started (after a GC), subtracted from the figure
     */
    static Run learn(ServiceConfig c, int events, long baseHeap) throws Exception {
        return learn(c, 0, events, baseHeap);
    }

    /**
     * As {@link #learn(ServiceConfig, int, long)}, timing only the {@code events} that follow the input's first
     * {@code untimed} (the clock starts at the first poll that finds at least {@code untimed} offsets committed).
     */
    static Run learn(ServiceConfig c, int untimed, int events, long baseHeap) throws Exception {
        double rate;
        long heap;
        try (StreamlearnService s = new StreamlearnService(c)) {
            s.start();
            rate = awaitCommitted(c.bootstrapServers(), c.applicationId(), c.topics().trainingEvents(), untimed,
                    untimed + (long) events);
            heap = usedHeapAfterGc() - baseHeap;
        }
        return new Run(rate, heap, directoryBytes(c.stateDir()));
    }

    /** Heap in use after two full collections. */
    static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Total size of the regular files under {@code dir}. */
    static long directoryBytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // a RocksDB file removed while walking
                }
            }).sum();
        }
    }

    /**
     * Events/s of consumer group {@code group} over {@code topic}: from its first committed offsets (so that
     * start-up and the group join are not counted) until it has committed {@code events} offsets in all.
     */
    static double awaitCommitted(String bootstrap, String group, String topic, long events) throws Exception {
        return awaitCommitted(bootstrap, group, topic, 0, events);
    }

    /**
     * As {@link #awaitCommitted(String, String, String, long)}, with the clock started at the first poll that
     * finds more than {@code untimed} offsets committed.
     */
    static double awaitCommitted(String bootstrap, String group, String topic, long untimed, long events)
            throws Exception {
        long[] firstAt = {0};
        long[] firstSum = {0};
        long end = awaitOffsets(bootstrap, group, topic, events, (now, sum) -> {
            if (sum > untimed && firstAt[0] == 0) {
                firstAt[0] = now;
                firstSum[0] = sum;
            }
        });
        if (end == firstAt[0]) {
            throw new IllegalStateException("too few events to measure a rate: use more");
        }
        return (events - firstSum[0]) / ((end - firstAt[0]) / 1e9);
    }

    /** Sees each poll of the committed offsets: its time ({@code System.nanoTime}) and their sum. */
    interface OffsetWatcher {
        void polled(long nanoTime, long sum);
    }

    /**
     * Polls group {@code group}'s committed offsets of {@code topic} every 10 ms until their sum reaches
     * {@code target}; returns the {@code System.nanoTime} at which it did. Fails after 10 minutes.
     */
    static long awaitOffsets(String bootstrap, String group, String topic, long target, OffsetWatcher watcher)
            throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                long sum = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                    if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                        sum += e.getValue().offset();
                    }
                }
                long now = System.nanoTime();
                watcher.polled(now, sum);
                if (sum >= target) {
                    return now;
                }
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException(group + " did not commit " + target + " offsets of " + topic + " in time");
    }
}
