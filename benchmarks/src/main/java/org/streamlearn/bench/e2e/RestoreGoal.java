package org.streamlearn.bench.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.service.StartupProgress;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.bench.TempDirs;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Issue 13, figure 3: a restart on an empty state directory with 10,000 models (d = 20, Adam) in the store's
 * changelog. The service learns {@code events} events over the models and stops cleanly; then, per round, one new
 * event is produced and a fresh instance of the same application starts on an empty state directory: the figure
 * is the time from its {@code start()} until that event's offset is committed (under exactly-once: the event
 * learned and its model's update in the store's changelog). The baseline, in the same round, is the time a plain
 * consumer ({@code read_committed}, default settings) takes to read the whole changelog from the beginning. Each
 * restart prints its phases ({@link StartupProgress}). With {@code process=true} each round also restarts the
 * service as a process ({@code java -jar streamlearn.jar run}, {@link ProcessRestart}), timed from its launch;
 * with {@code jfr=FILE} the first round's restart is recorded with JFR; {@code variant=key:value;...} adds a restart
 * with those service settings to every round (an A/B in one run).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar org.streamlearn.bench.e2e.RestoreGoal
 *     [models=10000] [events=50000] [partitions=4] [rounds=3] [process=false] [jfr=FILE] [variant=k:v;...] [svc.key=value ...]
 *     [broker.key=value ...]</pre>
 */
public final class RestoreGoal {

    /** Stream thread states from the first assignment on. */
    private static final Set<String> ASSIGNED = Set.of("PARTITIONS_ASSIGNED", "RUNNING");

    private RestoreGoal() {
    }

    /** Runs the figure; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.of("models", "10000", "events", "50000", "partitions", "4",
                "rounds", "3", "features", "20", "optimizer", "adam", "process", "false", "jfr", "", "variant", ""));
        System.out.println("restore: " + a + ", load average " + GoalTable.load());
        int models = a.integer("models");
        int events = a.integer("events");
        int partitions = a.integer("partitions");
        boolean process = a.flag("process");
        Path work = TempDirs.create("streamlearn-restore");
        Map<String, String> variant = BenchArgs.variant(a.get("variant"), a.service());
        List<String> names = new ArrayList<>(List.of("changelog read (s)", "first new update (s)"));
        if (variant != null) {
            names.add("variant (s)");
        }
        if (process) {
            names.add("from process start (s)");
        }
        Rounds rounds = new Rounds(names.toArray(String[]::new));
        List<Long> changelogRecords = new ArrayList<>();
        try (LocalKafkaBroker broker = a.brokerBuilder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
                admin.createTopics(List.of(TopicSpec.of("in-restore", partitions)));
            }
            Jobs.produce(bootstrap, "in-restore", events, models, a.integer("features"), false);
            String app = "restore";
            Jobs.Run first = Jobs.learn(config(bootstrap, app, partitions, a, a.service(), work.resolve("first")), events, 0);
            System.out.printf(Locale.ROOT, "learned %,d events over %,d models at %,.0f ev/s; state dir %.1f MiB%n",
                    events, models, first.eventsPerSecond(), first.stateDirBytes() / 1048576.0);
            String changelog = app + "-" + TopologyFactory.STORE + "-changelog";
            long[] target = {events};
            for (int r = 1; r <= a.integer("rounds"); r++) {
                int round = r;
                Rounds.Job read = () -> readAll(bootstrap, changelog, changelogRecords);
                Rounds.Job restart = () -> {
                    produceOne(bootstrap, "in-restore", a.integer("features"));
                    String jfr = round == 1 && !a.get("jfr").isEmpty() ? a.get("jfr") : null;
                    return firstUpdate(config(bootstrap, app, partitions, a, a.service(),
                            work.resolve("restart-" + round)), ++target[0], jfr);
                };
                List<Rounds.Job> jobs = new ArrayList<>(List.of(read, restart));
                if (variant != null) {
                    jobs.add(() -> {
                        produceOne(bootstrap, "in-restore", a.integer("features"));
                        System.out.println("  (variant " + a.get("variant") + ")");
                        return firstUpdate(config(bootstrap, app, partitions, a, variant,
                                work.resolve("variant-" + round)), ++target[0], null);
                    });
                }
                if (process) {
                    jobs.add(() -> {
                        produceOne(bootstrap, "in-restore", a.integer("features"));
                        return ProcessRestart.firstUpdate(Jobs.serviceSettings(bootstrap, app, "in-restore",
                                partitions, StreamsConfig.EXACTLY_ONCE_V2, a.get("optimizer"),
                                work.resolve("process-" + round), -1, a.service()),
                                work.resolve("process-" + round + ".log"), ++target[0]);
                    });
                }
                rounds.run(r, "restore of " + models + " models", jobs.toArray(Rounds.Job[]::new));
            }
        }
        double ratio = rounds.medianRatio(1);
        double seconds = rounds.median(1);
        System.out.println("changelog records read per round: " + changelogRecords);
        System.out.println("load average at the end " + GoalTable.load());
        GoalTable table = new GoalTable().row("restart on an empty state dir, " + GoalTable.n(models)
                + " models in the changelog: time to the first new update", String.format(Locale.ROOT,
                "%.2f s (median)", seconds), String.format(Locale.ROOT,
                "plain consumer reads the changelog in %.2f s (median)", rounds.median(0)),
                GoalTable.r(ratio) + " (rounds " + rounds.ratios(1) + ")", "<= 2x and <= 10 s",
                ratio <= 2 && seconds <= 10);
        if (variant != null) {
            table.row("the same with " + a.get("variant"), String.format(Locale.ROOT, "%.2f s (median)",
                    rounds.median(2)), "the same plain read", GoalTable.r(rounds.medianRatio(2)) + " (rounds "
                    + rounds.ratios(2) + ")", "<= 2x and <= 10 s", rounds.medianRatio(2) <= 2 && rounds.median(2) <= 10);
        }
        if (process) {
            int j = names.size() - 1;
            table.row("the same from the process start (java -jar streamlearn.jar run)", String.format(Locale.ROOT,
                    "%.2f s (median)", rounds.median(j)), "the same plain read", GoalTable.r(rounds.medianRatio(j)) + " (rounds "
                    + rounds.ratios(j) + ")", "<= 10 s", rounds.median(j) <= 10);
        }
        table.print();
    }

    private static ServiceConfig config(String bootstrap, String app, int partitions, BenchArgs a,
            Map<String, String> settings, Path state) {
        return Jobs.serviceConfig(bootstrap, app, "in-restore", partitions, StreamsConfig.EXACTLY_ONCE_V2,
                a.get("optimizer"), state, -1, settings);
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

    /**
     * Seconds from a fresh instance's start until its group has committed {@code target} input offsets; prints
     * the phases in between. With {@code jfr}, a JFR recording (settings "profile") of just this restart.
     */
    private static double firstUpdate(ServiceConfig c, long target, String jfr) throws Exception {
        Recording recording = null;
        if (jfr != null) {
            recording = new Recording(Configuration.getConfiguration("profile"));
            recording.start();
        }
        long t0 = System.nanoTime();
        try (StreamlearnService s = new StreamlearnService(c)) {
            s.start();
            long[] assigned = {0};
            long[] learned = {0};
            long end = Jobs.awaitOffsets(c.bootstrapServers(), c.applicationId(), c.topics().trainingEvents(), target,
                    (now, sum) -> {
                        if (assigned[0] == 0 && s.streams().metadataForLocalThreads().stream()
                                .anyMatch(t -> ASSIGNED.contains(t.threadState()))) {
                            assigned[0] = now;
                        }
                        if (learned[0] == 0 && s.metrics().learnedEvents() > 0) {
                            learned[0] = now;
                        }
                    });
            StartupProgress p = s.startup();
            StringBuilder line = new StringBuilder("  restart phases (s):");
            phase(line, "topics checked", p.nanos(StartupProgress.Phase.TOPICS_CHECKED), t0);
            phase(line, "streams started", p.nanos(StartupProgress.Phase.STREAMS_STARTED), t0);
            phase(line, "assigned (seen)", assigned[0], t0);
            phase(line, "restore start", p.nanos(StartupProgress.Phase.RESTORE_START), t0);
            phase(line, "restore end", p.nanos(StartupProgress.Phase.RESTORE_END), t0);
            phase(line, "RUNNING", p.nanos(StartupProgress.Phase.RUNNING), t0);
            phase(line, "first event learned (seen)", learned[0], t0);
            phase(line, "committed", end, t0);
            System.out.println(line.append(String.format(Locale.ROOT, "; %,d records restored",
                    p.restoredRecords())));
            return (end - t0) / 1e9;
        } finally {
            if (recording != null) {
                recording.stop();
                recording.dump(Path.of(jfr));
                recording.close();
                System.out.println("  JFR of this restart: " + jfr);
            }
        }
    }

    private static void phase(StringBuilder line, String name, long nanos, long t0) {
        line.append(String.format(Locale.ROOT, " %s %s,", name, nanos == 0 ? "-" : String.format(Locale.ROOT,
                "%.2f", (nanos - t0) / 1e9)));
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
