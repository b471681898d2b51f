package org.streamlearn.bench.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Issue 13, figure 3: a restart on an empty state directory with 10,000 models (d = 20, Adam) in the store's
 * changelog. The service learns {@code events} events over the models and stops cleanly; then, per round, one new
 * event is produced and a fresh instance of the same application starts on an empty state directory: the figure
 * is the time from its {@code start()} until that event's offset is committed (under exactly-once: the event
 * learned and its model's update in the store's changelog). The baseline, in the same round, is the time a plain
 * consumer ({@code read_committed}, default settings) takes to read the whole changelog from the beginning.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar org.streamlearn.bench.e2e.RestoreGoal
 *     [models=10000] [events=50000] [partitions=4] [rounds=3] [svc.key=value ...]</pre>
 */
public final class RestoreGoal {

    private RestoreGoal() {
    }

    /** Runs the figure; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.of("models", "10000", "events", "50000", "partitions", "4",
                "rounds", "3", "features", "20", "optimizer", "adam"));
        System.out.println("restore: " + a + ", load average " + GoalTable.load());
        int models = a.integer("models");
        int events = a.integer("events");
        int partitions = a.integer("partitions");
        Path work = Files.createTempDirectory("streamlearn-restore");
        Rounds rounds = new Rounds("changelog read (s)", "first new update (s)");
        List<Long> changelogRecords = new ArrayList<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
                admin.createTopics(List.of(TopicSpec.of("in-restore", partitions)));
            }
            Jobs.produce(bootstrap, "in-restore", events, models, a.integer("features"), false);
            String app = "restore";
            Jobs.Run first = Jobs.learn(config(bootstrap, app, partitions, a, work.resolve("first")), events, 0);
            System.out.printf(Locale.ROOT, "learned %,d events over %,d models at %,.0f ev/s; state dir %.1f MiB%n",
                    events, models, first.eventsPerSecond(), first.stateDirBytes() / 1048576.0);
            String changelog = app + "-" + TopologyFactory.STORE + "-changelog";
            for (int r = 1; r <= a.integer("rounds"); r++) {
                int round = r;
                produceOne(bootstrap, "in-restore", a.integer("features"));
                Rounds.Job read = () -> readAll(bootstrap, changelog, changelogRecords);
                Rounds.Job restart = () -> firstUpdate(config(bootstrap, app, partitions, a,
                        work.resolve("restart-" + round)), events + round);
                rounds.run(r, "restore of " + models + " models", read, restart);
            }
        }
        double ratio = rounds.medianRatio(1);
        double seconds = rounds.median(1);
        System.out.println("changelog records read per round: " + changelogRecords);
        System.out.println("load average at the end " + GoalTable.load());
        new GoalTable().row("restart on an empty state dir, " + GoalTable.n(models) + " models in the changelog: "
                + "time to the first new update", String.format(Locale.ROOT, "%.2f s (median)", seconds),
                String.format(Locale.ROOT, "plain consumer reads the changelog in %.2f s (median)",
                        rounds.median(0)),
                GoalTable.r(ratio) + " (rounds " + rounds.ratios(1) + ")", "<= 2x and <= 10 s",
                ratio <= 2 && seconds <= 10).print();
    }

    private static ServiceConfig config(String bootstrap, String app, int partitions, BenchArgs a, Path state) {
        return Jobs.serviceConfig(bootstrap, app, "in-restore", partitions, StreamsConfig.EXACTLY_ONCE_V2,
                a.get("optimizer"), state, -1, a.service());
    }

    private static void produceOne(String bootstrap, String topic, int d) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            String event = new StreamGenerator(StreamGenerator.Task.REGRESSION, d, 1, Long.MAX_VALUE, 0.1, 99).next();
            producer.send(new ProducerRecord<>(topic, "model-0", event.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Seconds from a fresh instance's start until its group has committed {@code target} input offsets. */
    private static double firstUpdate(ServiceConfig c, long target) throws Exception {
        long t0 = System.nanoTime();
        try (StreamlearnService s = new StreamlearnService(c)) {
            s.start();
            long[] running = {0};
            long end = Jobs.awaitOffsets(c.bootstrapServers(), c.applicationId(), c.topics().trainingEvents(), target,
                    (now, sum) -> {
                        if (running[0] == 0 && s.streams().state() == KafkaStreams.State.RUNNING) {
                            running[0] = now;
                        }
                    });
            System.out.printf(Locale.ROOT, "  restart: RUNNING (restored) after %.2f s, first new update committed "
                    + "after %.2f s%n", running[0] == 0 ? Double.NaN : (running[0] - t0) / 1e9, (end - t0) / 1e9);
            return (end - t0) / 1e9;
        }
    }

    /** Seconds a plain consumer takes to read every committed record of {@code topic} from the beginning. */
    private static double readAll(String bootstrap, String topic, List<Long> counts) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long t0 = System.nanoTime();
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                records += batch.count();
            }
        }
        counts.add(records);
        return (System.nanoTime() - t0) / 1e9;
    }
}
