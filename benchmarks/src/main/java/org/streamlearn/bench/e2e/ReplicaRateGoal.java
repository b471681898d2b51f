package org.streamlearn.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.bench.TempDirs;
import org.streamlearn.kafka.local.LocalKafkaBroker;
import org.streamlearn.store.json.Json;

/**
 * Issue 12's throughput figure: events learned per second of one model learned by R replicas (DESIGN.md
 * "Replicas") in one service instance with {@code threads} stream threads, against the same model unreplicated,
 * in one run. Each job gets its own input topic ({@code <app>-training-events}, so the replicas loop's topics are
 * its own too) holding the same {@code events} events (d = {@code features}, one key: the model), and runs the
 * service from an empty state. A job's clock starts at the first committed offsets of its input (start-up and
 * the group join not counted) and stops when {@code model-parameters} shows the model with {@code seen} =
 * {@code events}: for a replicated model that is the merge of the last round, which needs every replica's last
 * report, so every event has been spread, learned by its replica (each once: {@code seen} is the sum of the
 * replicas' updates) and merged. {@code events} must be a multiple of R·{@code syncEvery} (each replica's last
 * round is then complete) and of {@code publishEvery} (10,000). Rounds rotate which job runs first; the figure
 * is the median over rounds of each job's ratio to the unreplicated job of the same round.
 *
 * <p>The model is linear unless {@code hidden} gives the hidden layers' widths of an MLP ({@code hidden=256} or
 * {@code hidden=128,128}: {@code "architecture": {"type": "mlp", "hidden": [...], "activation": "relu", "init":
 * "he", "seed": 42}} in the default spec): a model whose learning costs far more per event than at d = 20.
 *
 * <p>{@code model=auto} picks the first id {@code big<n>} whose replicas land on distinct partitions (for R = 2
 * both away from the model's own, which spreads the events and merges): the layout is printed. Which thread
 * owns which partition is Kafka Streams' choice, printed per job.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar org.streamlearn.bench.e2e.ReplicaRateGoal
 *     [events=400000] [rounds=3] [warmup=1] [replicas=2,4] [syncEvery=500] [threads=2] [partitions=4]
 *     [features=20] [optimizer=adam] [hidden=none] [model=auto] [svc.key=value ...]</pre>
 */
public final class ReplicaRateGoal {

    private static final int PUBLISH_EVERY = 10_000;

    private ReplicaRateGoal() {
    }

    /** Runs the figure; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.ofEntries(Map.entry("events", "400000"), Map.entry("rounds", "3"),
                Map.entry("warmup", "1"), Map.entry("replicas", "2,4"), Map.entry("syncEvery", "500"),
                Map.entry("threads", "2"), Map.entry("partitions", "4"), Map.entry("features", "20"),
                Map.entry("optimizer", "adam"), Map.entry("hidden", "none"), Map.entry("model", "auto")));
        System.out.println("replicated learn rate vs unreplicated: " + a + ", load average " + GoalTable.load());
        int events = a.integer("events");
        int partitions = a.integer("partitions");
        List<Integer> counts = new ArrayList<>();
        for (String r : a.get("replicas").split(",")) {
            counts.add(Integer.parseInt(r));
            if (events % (Integer.parseInt(r) * a.integer("syncEvery")) != 0 || events % PUBLISH_EVERY != 0) {
                throw new IllegalArgumentException("events must be a multiple of replicas × syncEvery and of "
                        + PUBLISH_EVERY + ", got " + events);
            }
        }
        String model = a.get("model").equals("auto") ? pickModel(counts, partitions) : a.get("model");
        printLayout(model, counts, partitions);
        Path work = TempDirs.create("streamlearn-replicarate");
        String[] names = new String[counts.size() + 1];
        names[0] = "unreplicated";
        for (int i = 0; i < counts.size(); i++) {
            names[i + 1] = "R=" + counts.get(i);
        }
        Rounds rounds = new Rounds(names);
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            for (int r = 1 - a.integer("warmup"); r <= a.integer("rounds"); r++) {
                String id = r <= 0 ? "w" + (1 - r) : Integer.toString(r);
                Rounds.Job[] jobs = new Rounds.Job[names.length];
                for (int j = 0; j < jobs.length; j++) {
                    int replicas = j == 0 ? 0 : counts.get(j - 1);
                    String app = (j == 0 ? "single" : "r" + replicas) + "-" + id;
                    jobs[j] = () -> learn(bootstrap, app, model, replicas, a, work);
                }
                if (r <= 0) {
                    rounds.warmUp("ev/s", jobs);
                } else {
                    rounds.run(r, "ev/s", jobs);
                }
            }
        }
        System.out.println("load average at the end " + GoalTable.load());
        GoalTable table = new GoalTable();
        for (int j = 1; j < names.length; j++) {
            double ratio = rounds.medianRatio(j);
            table.row("events learned/s, " + names[j] + " (syncEvery " + a.get("syncEvery") + "), "
                    + a.get("threads") + " stream threads, d = " + a.get("features")
                    + (a.get("hidden").equals("none") ? "" : ", MLP hidden " + a.get("hidden")),
                    GoalTable.n(rounds.median(j)) + " ev/s (median)",
                    "unreplicated " + GoalTable.n(rounds.median(0)) + " ev/s (median)",
                    GoalTable.r(ratio) + " (rounds " + rounds.ratios(j) + ")", "> 1 (a speed-up)", ratio > 1);
        }
        table.print();
    }

    /** One timed job: the service learns the job's own copy of the stream, the model with {@code replicas}. */
    private static double learn(String bootstrap, String app, String model, int replicas, BenchArgs a, Path work)
            throws Exception {
        int events = a.integer("events");
        String input = app + "-training-events";
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            admin.createTopics(List.of(TopicSpec.of(input, a.integer("partitions"))));
        }
        Jobs.produce(bootstrap, input, events, a.integer("features"), false, model);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("num.stream.threads", a.get("threads"));
        settings.put("default.spec", "{\"task\":\"regression\",\"optimizer\":{\"type\":\"" + a.get("optimizer")
                + "\"}," + architecture(a.get("hidden")) + "\"publishEvery\":" + PUBLISH_EVERY
                + (replicas == 0 ? "" : ",\"replicas\":{\"count\":" + replicas + ",\"syncEvery\":"
                + a.get("syncEvery") + "}") + "}");
        settings.putAll(a.service());
        ServiceConfig c = Jobs.serviceConfig(bootstrap, app, input, a.integer("partitions"),
                StreamsConfig.EXACTLY_ONCE_V2, a.get("optimizer"), work.resolve(app), -1, settings);
        try (StreamlearnService s = new StreamlearnService(c)) {
            s.start();
            long[] first = new long[2];
            Jobs.awaitOffsets(bootstrap, app, input, 1, (now, sum) -> {
                first[0] = now;
                first[1] = sum;
            });
            StringBuilder tasks = new StringBuilder();
            s.streams().metadataForLocalThreads().forEach(t -> tasks.append(' ').append(t.activeTasks().stream()
                    .map(m -> m.taskId().toString()).sorted().toList()));
            long[] end = awaitSeen(bootstrap, c.topics().modelParameters(), model, events);
            double rate = (events - first[1]) / ((end[0] - first[0]) / 1e9);
            System.out.printf("  %s: %,.0f ev/s, seen %,d, tasks per thread%s%n", app, rate, end[1], tasks);
            if (end[1] != events) {
                throw new IllegalStateException(app + ": the model has seen " + end[1] + " events, not " + events);
            }
            return rate;
        }
    }

    /** The spec's architecture field for {@code hidden} ({@code none}: none, the default linear model). */
    private static String architecture(String hidden) {
        return hidden.equals("none") ? "" : "\"architecture\":{\"type\":\"mlp\",\"hidden\":["
                + hidden + "],\"activation\":\"relu\",\"init\":\"he\",\"seed\":42},";
    }

    /**
     * Reads {@code topic} (read_committed) until the snapshot of {@code model} shows {@code seen >= events}; returns
     * the {@code System.nanoTime} of that poll and the {@code seen} shown. Fails after 10 minutes.
     */
    private static long[] awaitSeen(String bootstrap, String topic, String model, long events) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(topic)) {
                tps.add(new TopicPartition(topic, pi.partition()));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(10))) {
                    if (model.equals(rec.key()) && rec.value() != null) {
                        long seen = seen(rec.value());
                        if (seen >= events) {
                            return new long[] {System.nanoTime(), seen};
                        }
                    }
                }
            }
        }
        throw new IllegalStateException(model + " did not reach seen " + events + " on " + topic + " in time");
    }

    private static long seen(byte[] snapshot) {
        try {
            JsonNode n = Json.MAPPER.readTree(snapshot);
            return n.path("seen").asLong();
        } catch (IOException e) {
            throw new IllegalStateException("unreadable snapshot: " + new String(snapshot, StandardCharsets.UTF_8),
                    e);
        }
    }

    /** The first {@code big<n>} whose replicas of every count land on distinct partitions, away from its own. */
    private static String pickModel(List<Integer> counts, int partitions) {
        for (int n = 0; n < 10_000; n++) {
            String id = "big" + n;
            int own = partition(id, partitions);
            boolean ok = true;
            for (int r : counts) {
                Set<Integer> seen = new HashSet<>();
                for (int i = 0; i < r; i++) {
                    int p = partition(id + "#r" + i, partitions);
                    ok &= seen.add(p) || r > partitions;
                    ok &= p != own || r >= partitions;
                }
            }
            if (ok) {
                return id;
            }
        }
        throw new IllegalArgumentException("no model id spreads the replicas: give model=<id>");
    }

    private static void printLayout(String model, List<Integer> counts, int partitions) {
        Map<String, Integer> layout = new TreeMap<>();
        layout.put(model, partition(model, partitions));
        int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
        for (int i = 0; i < max; i++) {
            layout.put(model + "#r" + i, partition(model + "#r" + i, partitions));
        }
        System.out.println("partitions (the model's: training and merges; a replica's: its events): " + layout);
    }

    /** The default partitioner's partition of a keyed record. */
    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
