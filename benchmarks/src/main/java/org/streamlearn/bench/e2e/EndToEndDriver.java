package org.streamlearn.bench.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
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
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Measures events/s of the streamlearn service and of a Kafka Streams pass-through over the same pre-produced
 * events on the same local broker, in one run, and prints both and their ratio (the figure that matters: a
 * learner that reads, updates a model and writes can at best approach the pass-through).
 *
 * <p>Both jobs are Kafka Streams applications with the same guarantee, partitions and commit interval; each
 * is timed from its start until its consumer group has committed every input offset.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.streamlearn.bench.e2e.EndToEndDriver
 *     [events=200000] [models=16] [features=20] [partitions=4] [guarantee=exactly_once_v2] [optimizer=adam]
 *     [rounds=2]</pre>
 */
public final class EndToEndDriver {

    private EndToEndDriver() {
    }

    /** Runs the comparison; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("events", "200000", "models", "16", "features", "20",
                "partitions", "4", "guarantee", StreamsConfig.EXACTLY_ONCE_V2, "optimizer", "adam", "rounds", "2"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !a.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "' (known: " + a.keySet() + ")");
            }
            a.put(kv[0], kv[1]);
        }
        int events = Integer.parseInt(a.get("events"));
        int models = Integer.parseInt(a.get("models"));
        int d = Integer.parseInt(a.get("features"));
        int partitions = Integer.parseInt(a.get("partitions"));
        int rounds = Integer.parseInt(a.get("rounds"));
        String guarantee = a.get("guarantee");
        System.out.printf(Locale.ROOT, "end-to-end: %,d events, %d models, d=%d, %d partitions, %s, %s, %d rounds%n",
                events, models, d, partitions, guarantee, a.get("optimizer"), rounds);
        Path work = Files.createTempDirectory("streamlearn-e2e");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            String input = "e2e-input";
            try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
                admin.createTopics(List.of(TopicSpec.of(input, partitions), TopicSpec.of("e2e-pass-output", partitions)));
            }
            produce(bootstrap, input, events, models, d);
            List<double[]> results = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                double pass = passThrough(bootstrap, input, partitions, events, guarantee, work.resolve("pass" + r), r);
                double learn = streamlearn(bootstrap, input, partitions, events, guarantee, d, a.get("optimizer"),
                        work.resolve("learn" + r), r);
                System.out.printf(Locale.ROOT, "round %d: pass-through %,.0f ev/s, streamlearn %,.0f ev/s, ratio %.2f%n",
                        r, pass, learn, learn / pass);
                results.add(new double[] {pass, learn});
            }
            double pass = results.stream().mapToDouble(x -> x[0]).max().orElse(0);
            double learn = results.stream().mapToDouble(x -> x[1]).max().orElse(0);
            System.out.printf(Locale.ROOT, "best: pass-through %,.0f ev/s, streamlearn %,.0f ev/s, ratio %.2f%n", pass,
                    learn, learn / pass);
        }
    }

    private static void produce(String bootstrap, String topic, int events, int models, int d) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        StreamGenerator gen = new StreamGenerator(StreamGenerator.Task.REGRESSION, d, 1, events / 2, 0.1, 1);
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                producer.send(new ProducerRecord<>(topic, "model-" + (i % models),
                        gen.next().getBytes(StandardCharsets.UTF_8)));
            }
        }
        System.out.printf(Locale.ROOT, "produced %,d events in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
    }

    private static double passThrough(String bootstrap, String input, int partitions, int events, String guarantee,
            Path state, int round) throws Exception {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .mapValues(v -> v)
                .to("e2e-pass-output", Produced.with(Serdes.String(), Serdes.ByteArray()));
        Properties p = new Properties();
        String app = "e2e-pass-" + round;
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            long t0 = System.nanoTime();
            streams.start();
            return awaitCommitted(bootstrap, app, input, partitions, events, t0);
        }
    }

    private static double streamlearn(String bootstrap, String input, int partitions, int events, String guarantee,
            int d, String optimizer, Path state, int round) throws Exception {
        String app = "e2e-learn-" + round;
        Map<String, String> o = new LinkedHashMap<>();
        o.put("bootstrap.servers", bootstrap);
        o.put("application.id", app);
        o.put("state.dir", state.toString());
        o.put("processing.guarantee", guarantee);
        o.put("http.port", "-1");
        o.put("topics.partitions", Integer.toString(partitions));
        o.put("topic.training-events", input);
        for (String t : new String[] {"model-commands", "prediction-requests", "model-parameters", "model-metrics",
            "predictions", "dead-letter"}) {
            o.put("topic." + t, "e2e-" + round + "-" + t);
        }
        o.put("default.spec", "{\"task\":\"regression\",\"optimizer\":{\"type\":\"" + optimizer + "\"},"
                + "\"publishEvery\":10000}");
        o.put("metrics.every.events", "10000");
        o.put("kafka.consumer.auto.offset.reset", "earliest");
        ServiceConfig c = ConfigLoader.load(null, Map.of(), o);
        try (StreamlearnService s = new StreamlearnService(c)) {
            long t0 = System.nanoTime();
            s.start();
            return awaitCommitted(bootstrap, app, input, partitions, events, t0);
        }
    }

    /**
     * Events/s of the group over {@code topic}: from its first committed offsets (so that start-up and the group
     * join are not counted) until it has committed all {@code events}.
     */
    private static double awaitCommitted(String bootstrap, String group, String topic, int partitions, int events,
            long t0) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            long deadline = t0 + Duration.ofMinutes(10).toNanos();
            long firstAt = 0;
            long firstSum = 0;
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
                if (sum > 0 && firstAt == 0) {
                    firstAt = now;
                    firstSum = sum;
                }
                if (sum >= events) {
                    if (now == firstAt) {
                        throw new IllegalStateException("too few events to measure a rate: use more");
                    }
                    return (events - firstSum) / ((now - firstAt) / 1e9);
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException(group + " did not commit " + events + " offsets of " + topic + " in time ("
                + partitions + " partitions)");
    }
}
