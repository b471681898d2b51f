package org.streamlearn.app.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.kafka.local.LocalKafkaBroker;
import org.streamlearn.store.json.Json;

/**
 * {@code backtest --topic} per key on a real (local) broker, one topic of six keys over three partitions with
 * known timestamps: each key's model equals the file backtest of that key's events alone; {@code --key} and
 * {@code --keys-matching} narrow it; {@code --threads 1} and {@code 2} write identical summaries; {@code --from}
 * and {@code --to} by time and by offset select exactly the expected events; a warm start from a snapshot (the
 * latest, or the latest at or before {@code --from}) followed by the rest of the events equals the uninterrupted
 * model; the partitions are merged by record timestamp; a grid writes one CSV row per key × configuration and a
 * leaderboard; epochs hold out each key's own tail; under a {@code --spec}, resets and deletes from the commands
 * topic apply and upserts are skipped.
 */
class KeyedBacktestTest {

    private static final String SPEC = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"adam\","
            + "\"learningRate\":0.05},\"update\":{\"mode\":\"minibatch\",\"batchSize\":3}}";
    private static final String ONLINE = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":"
            + "\"adam\",\"learningRate\":0.05}}";
    private static final long BASE = 1_700_000_000_000L;

    /** A produced event: its key, line, timestamp, partition and offset. */
    record Sent(String key, String line, long ts, int partition, long offset) {
    }

    static LocalKafkaBroker broker;
    static final List<Sent> SENT = new ArrayList<>();

    @BeforeAll
    static void produce() throws Exception {
        broker = LocalKafkaBroker.builder().build().start();
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.createTopic(kept("events"));
        }
        List<String> lines = Files.readAllLines(Reference.folder().resolve("data/regression.jsonl")).stream()
                .filter(l -> !l.isBlank()).toList();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < 600; i++) {
                String key = "k" + (i % 6);
                String line = lines.get(i % lines.size());
                long ts = BASE + 1000L * i;
                RecordMetadata m = producer.send(new ProducerRecord<>("events", null, ts, key,
                        line.getBytes(StandardCharsets.UTF_8))).get();
                SENT.add(new Sent(key, line, ts, m.partition(), m.offset()));
            }
        }
    }

    /**
     * A topic of three partitions whose records the broker never deletes: their timestamps are fixed in 2023, far
     * beyond the default 7-day retention, and a retention check during the test would delete them.
     */
    static TopicSpec kept(String name) {
        return TopicSpec.of(name, 3).withConfig("retention.ms", "-1");
    }

    static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static JsonNode backtest(Path out, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("backtest", "--topic", "events", "--bootstrap-servers",
                broker.bootstrapServers(), "--out", out.toString(), "--quiet"));
        args.addAll(List.of(more));
        BacktestCommandTest.Run r = BacktestCommandTest.cli(args.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isZero();
        return Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    }

    static Map<String, JsonNode> byKey(JsonNode summary) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        summary.get("runs").forEach(r -> m.put(r.get("key").asText(), r));
        return m;
    }

    /** The file backtest's final model of the events {@code which} selects, of {@code key}, in topic order. */
    static JsonNode fileModel(Path dir, Path spec, String key, Predicate<Sent> which) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve(key + ".jsonl");
        Files.write(file, SENT.stream().filter(s -> s.key().equals(key) && which.test(s)).map(Sent::line).toList());
        BacktestCommandTest.Run r = BacktestCommandTest.cli("backtest", "--input", file.toString(), "--spec",
                spec.toString(), "--out", dir.resolve("file-" + key).toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        return Json.MAPPER.readTree(dir.resolve("file-" + key + "/summary.json").toFile()).get("runs").get(0)
                .get("model");
    }

    static void assertSameLearning(JsonNode keyed, JsonNode file) {
        for (String f : List.of("seen", "updates", "weights", "intercept", "optimizer", "metrics", "scaler")) {
            assertThat(keyed.get(f)).as(f).isEqualTo(file.get(f));
        }
    }

    @Test
    void everyKeyLearnsItsOwnEventsAndThreadsChangeNothing(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("adam.json");
        Files.writeString(spec, SPEC);
        JsonNode one = backtest(dir.resolve("t1"), "--spec", spec.toString(), "--threads", "1");
        JsonNode two = backtest(dir.resolve("t2"), "--spec", spec.toString(), "--threads", "2");
        assertThat(two.get("runs")).isEqualTo(one.get("runs"));
        assertThat(Files.readAllLines(dir.resolve("t2/summary.csv")))
                .isEqualTo(Files.readAllLines(dir.resolve("t1/summary.csv")));
        assertThat(Files.readAllLines(dir.resolve("t2/trace-adam.jsonl")))
                .isEqualTo(Files.readAllLines(dir.resolve("t1/trace-adam.jsonl")));
        Map<String, JsonNode> runs = byKey(one);
        assertThat(runs).containsOnlyKeys("k0", "k1", "k2", "k3", "k4", "k5");
        for (String key : runs.keySet()) {
            assertThat(runs.get(key).get("events").asLong()).isEqualTo(100);
            assertSameLearning(runs.get(key).get("model"), fileModel(dir, spec, key, s -> true));
        }
        String report = Files.readString(dir.resolve("t1/report.html"));
        assertThat(report).contains("Leaderboard").contains("Rolling loss (EWMA) of key k0").contains("<polyline");

        JsonNode some = backtest(dir.resolve("some"), "--spec", spec.toString(), "--key", "k1", "--key", "k4",
                "--keys-matching", "k[05]");
        assertThat(byKey(some)).containsOnlyKeys("k0", "k1", "k4", "k5");
        assertThat(byKey(some).get("k4").get("model")).isEqualTo(runs.get("k4").get("model"));
    }

    @Test
    void fromAndToSelectExactlyTheirEvents(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("adam.json");
        Files.writeString(spec, SPEC);
        long from = BASE + 1000L * 120;
        long to = BASE + 1000L * 480;
        JsonNode byTime = backtest(dir.resolve("time"), "--spec", spec.toString(), "--from",
                Instant.ofEpochMilli(from).toString(), "--to", Long.toString(to));
        Predicate<Sent> inTime = s -> s.ts() >= from && s.ts() < to;
        assertThat(byTime.get("events").asLong()).isEqualTo(SENT.stream().filter(inTime).count()).isEqualTo(360);
        Map<String, JsonNode> runs = byKey(byTime);
        for (String key : runs.keySet()) {
            assertSameLearning(runs.get(key).get("model"), fileModel(dir.resolve("time-file"), spec, key, inTime));
        }

        Map<Integer, Long> start = Map.of(0, 10L, 2, 25L);
        Map<Integer, Long> stop = Map.of(1, 40L);
        JsonNode byOffset = backtest(dir.resolve("offset"), "--spec", spec.toString(), "--from", "0:10,2:25",
                "--to", "1:40");
        Predicate<Sent> inOffsets = s -> s.offset() >= start.getOrDefault(s.partition(), 0L)
                && s.offset() < stop.getOrDefault(s.partition(), Long.MAX_VALUE);
        assertThat(byOffset.get("events").asLong()).isEqualTo(SENT.stream().filter(inOffsets).count());
        runs = byKey(byOffset);
        for (String key : runs.keySet()) {
            assertSameLearning(runs.get(key).get("model"), fileModel(dir.resolve("offset-file"), spec, key,
                    inOffsets));
        }
    }

    @Test
    void aWarmStartThenTheRestEqualsTheUninterruptedModel(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("online.json");
        Files.writeString(spec, ONLINE);
        List<Sent> k0 = SENT.stream().filter(s -> s.key().equals("k0")).toList();
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.createTopic(kept("params"));
        }
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int n : new int[] {40, 70}) {
                Path part = dir.resolve("first" + n);
                Files.createDirectories(part);
                Files.write(part.resolve("k0.jsonl"), k0.subList(0, n).stream().map(Sent::line).toList());
                BacktestCommandTest.Run r = BacktestCommandTest.cli("backtest", "--input",
                        part.resolve("k0.jsonl").toString(), "--spec", "k0=" + spec, "--out", part.toString(),
                        "--quiet");
                assertThat(r.code()).as(r.err()).isZero();
                byte[] snapshot = Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(part.resolve("summary.json")
                        .toFile()).get("runs").get(0).get("model"));
                producer.send(new ProducerRecord<>("params", null, k0.get(n - 1).ts(), "k0", snapshot)).get();
            }
        }
        JsonNode whole = byKey(backtest(dir.resolve("whole"), "--spec", spec.toString(), "--key", "k0")).get("k0");
        JsonNode latest = byKey(backtest(dir.resolve("latest"), "--spec", spec.toString(), "--key", "k0",
                "--warm-start", "params")).get("k0");
        assertThat(latest.get("warmStart").get("seen").asLong()).isEqualTo(70);
        assertThat(latest.get("warmStart").get("optimizer").asText()).isEqualTo("kept");
        assertThat(latest.get("events").asLong()).isEqualTo(30);
        assertSameLearning(latest.get("model"), whole.get("model"));
        JsonNode before = byKey(backtest(dir.resolve("before"), "--spec", spec.toString(), "--key", "k0",
                "--warm-start", "params", "--from", Long.toString(k0.get(54).ts()))).get("k0");
        assertThat(before.get("warmStart").get("seen").asLong()).isEqualTo(40);
        assertThat(before.get("events").asLong()).isEqualTo(60);
        assertSameLearning(before.get("model"), whole.get("model"));

        Path sgd = dir.resolve("sgd.json");
        Files.writeString(sgd, ONLINE.replace("adam", "sgd"));
        JsonNode changed = byKey(backtest(dir.resolve("sgd"), "--spec", sgd.toString(), "--key", "k0",
                "--warm-start", "params")).get("k0");
        assertThat(changed.get("warmStart").get("optimizer").asText()).isEqualTo("fresh slots (optimizer adam -> sgd)");
        assertThat(changed.get("model").get("seen").asLong()).isEqualTo(100);
    }

    @Test
    void partitionsAreMergedByRecordTimestampWithoutClientWarnings() throws Exception {
        List<String> read = new ArrayList<>();
        PrintStream err = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try (TopicSource source = new TopicSource(broker.bootstrapServers(), "events")) {
            SourceRecord r;
            while ((r = source.next()) != null) {
                read.add(r.where());
            }
        } finally {
            System.setErr(err);
        }
        assertThat(logged.toString(StandardCharsets.UTF_8)).as("what the Kafka consumer logged").doesNotContain("WARN");
        List<String> byTime = SENT.stream().sorted(Comparator.comparingLong(Sent::ts))
                .map(s -> "events-" + s.partition() + "@" + s.offset()).toList();
        assertThat(SENT.stream().map(Sent::partition).distinct()).hasSize(3);
        assertThat(read).containsExactlyElementsOf(byTime);
    }

    @Test
    void aGridGivesOneCsvRowPerKeyAndConfigurationAndALeaderboard(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("adam.json");
        Files.writeString(spec, ONLINE);
        Path out = dir.resolve("grid");
        BacktestCommandTest.Run run = BacktestCommandTest.cli("backtest", "--topic", "events", "--bootstrap-servers",
                broker.bootstrapServers(), "--out", out.toString(), "--spec", spec.toString(), "--grid",
                "optimizer.learningRate=0.001,0.05", "--threads", "2");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("600 events in");
        JsonNode runs = Json.MAPPER.readTree(out.resolve("summary.json").toFile()).get("runs");
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(runs).hasSize(2 * 6);
        assertThat(csv).hasSize(1 + 2 * 6);
        List<String> header = List.of(csv.get(0).split(","));
        assertThat(header).contains("name", "key", "optimizer.learningRate", "events", "seen", "mse", "mae");
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, String> bestOfKey = new LinkedHashMap<>();
        Map<String, Double> bestMse = new HashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            JsonNode r = runs.get(i);
            String[] row = csv.get(i + 1).split(",");
            String name = r.get("name").asText();
            double mse = r.get("metrics").get("mse").asDouble();
            assertThat(row[header.indexOf("name")]).isEqualTo(name);
            assertThat(row[header.indexOf("key")]).isEqualTo(r.get("key").asText());
            assertThat(row[header.indexOf("optimizer.learningRate")]).isEqualTo(r.get("settings")
                    .get("optimizer.learningRate").asText());
            assertThat(Double.parseDouble(row[header.indexOf("mse")])).isEqualTo(mse);
            assertThat(Double.parseDouble(row[header.indexOf("mae")])).isEqualTo(r.get("metrics").get("mae").asDouble());
            sums.computeIfAbsent(name, n -> new double[1])[0] += mse;
            if (!bestMse.containsKey(r.get("key").asText()) || mse < bestMse.get(r.get("key").asText())) {
                bestMse.put(r.get("key").asText(), mse);
                bestOfKey.put(r.get("key").asText(), name);
            }
        }
        assertThat(sums).containsOnlyKeys("adam__optimizer.learningRate-0.001", "adam__optimizer.learningRate-0.05");
        String overall = sums.entrySet().stream().min(Comparator.comparingDouble(e -> e.getValue()[0]))
                .orElseThrow().getKey();
        String report = Files.readString(out.resolve("report.html"));
        assertThat(report).contains("Best overall (lowest mean): <b class=\"best\">" + overall + "</b>");
        bestOfKey.forEach((key, name) -> assertThat(report).contains("<tr><td>" + key + "</td><td>100</td><td>" + name
                + "</td>"));
        assertThat(report.split("Rolling loss \\(EWMA\\) of key ", -1)).hasSize(1 + KeyedReport.PLOTTED_KEYS);
    }

    @Test
    void epochsOverATopicHoldOutEachKeysTail(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("online.json");
        Files.writeString(spec, ONLINE);
        Map<String, JsonNode> runs = byKey(backtest(dir.resolve("epochs"), "--spec", spec.toString(), "--epochs", "1",
                "--holdout", "0.2"));
        assertThat(runs).hasSize(6);
        for (String key : runs.keySet()) {
            List<Sent> own = SENT.stream().filter(s -> s.key().equals(key)).toList();
            JsonNode h = runs.get(key).get("holdout");
            assertThat(h.get("rows").asInt()).isEqualTo(20);
            assertThat(h.get("from").asText()).isEqualTo("events-" + own.get(80).partition() + "@"
                    + own.get(80).offset());
            JsonNode model = runs.get(key).get("model");
            JsonNode online = fileModel(dir.resolve("first80"), spec, key, s -> own.indexOf(s) < 80);
            for (String f : List.of("seen", "updates", "weights", "intercept", "optimizer", "scaler")) {
                assertThat(model.get(f)).as(key + " " + f).isEqualTo(online.get(f));
            }
        }
    }

    @Test
    void resetsAndDeletesApplyUnderAFixedSpecAndUpsertsAreSkipped(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("online.json");
        Files.writeString(spec, ONLINE);
        List<Sent> k3 = SENT.stream().filter(s -> s.key().equals("k3")).toList();
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.createTopic(kept("commands"));
        }
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("commands", null, BASE, "k1", ("{\"command\":\"upsert\",\"spec\":"
                    + ONLINE.replace("adam", "sgd") + "}").getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>("commands", null, k3.get(49).ts() + 1, "k3",
                    "{\"command\":\"reset\"}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>("commands", null, BASE + 1000L * 600, "k2",
                    "{\"command\":\"delete\"}".getBytes(StandardCharsets.UTF_8))).get();
        }
        Map<String, JsonNode> runs = byKey(backtest(dir.resolve("cmd"), "--spec", spec.toString(),
                "--commands-topic", "commands"));
        assertThat(runs.get("k2").get("deleted").asBoolean()).isTrue();
        assertThat(runs.get("k2").has("model")).isFalse();
        JsonNode reset = runs.get("k3").get("model");
        JsonNode afterReset = fileModel(dir.resolve("k3"), spec, "k3", s -> s.ts() > k3.get(49).ts());
        for (String f : List.of("seen", "updates", "weights", "intercept", "optimizer", "scaler")) {
            assertThat(reset.get(f)).as(f).isEqualTo(afterReset.get(f));
        }
        assertThat(runs.get("k1").get("commands").asLong()).isEqualTo(1);
        assertSameLearning(runs.get("k1").get("model"), fileModel(dir.resolve("k1"), spec, "k1", s -> true));
    }

    @Test
    void badRangesNameTheOption() {
        BacktestCommandTest.Run r = BacktestCommandTest.cli("backtest", "--topic", "events", "--bootstrap-servers",
                broker.bootstrapServers(), "--out", "/tmp/never", "--from", "last tuesday");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--from: 'last tuesday' is neither a timestamp");
    }
}
