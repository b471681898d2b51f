package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.Topics;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;

/** A TopologyTestDriver over {@link TopologyFactory}'s topology, with JSON helpers. */
final class TopologyHarness implements AutoCloseable {

    static final JsonMapper JSON = Json.MAPPER;
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> events;
    final TestInputTopic<String, byte[]> commands;
    final TestInputTopic<String, byte[]> requests;
    final TestInputTopic<String, byte[]> labels;
    final TestInputTopic<String, byte[]> predictionLog;
    final TestOutputTopic<String, byte[]> parameters;
    final TestOutputTopic<String, byte[]> metrics;
    final TestOutputTopic<String, byte[]> predictions;
    final TestOutputTopic<String, byte[]> deadLetter;
    final TestOutputTopic<String, byte[]> modelEvents;

    TopologyHarness(Path stateDir) {
        this(stateDir, Map.of(), 1000, 0);
    }

    TopologyHarness(Path stateDir, Map<String, ModelSpec> seeds, long metricsEvery, long metricsIntervalMs) {
        this(stateDir, seeds, metricsEvery, metricsIntervalMs, StreamsConfig.EXACTLY_ONCE_V2);
    }

    TopologyHarness(Path stateDir, Map<String, ModelSpec> seeds, long metricsEvery, long metricsIntervalMs,
            String guarantee) {
        this(stateDir, seeds, metricsEvery, metricsIntervalMs, guarantee, TrainingMetrics.NONE);
    }

    /** A harness whose processors report to {@code counters}. */
    TopologyHarness(Path stateDir, TrainingMetrics counters) {
        this(stateDir, Map.of(), 1000, 0, StreamsConfig.EXACTLY_ONCE_V2, counters);
    }

    private TopologyHarness(Path stateDir, Map<String, ModelSpec> seeds, long metricsEvery, long metricsIntervalMs,
            String guarantee, TrainingMetrics counters) {
        Topics t = Topics.DEFAULT;
        TopologyFactory.Settings s = settings(seeds, metricsEvery, metricsIntervalMs);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        driver = new TopologyTestDriver(TopologyFactory.build(s, counters), p, START);
        StringSerializer ks = new StringSerializer();
        ByteArraySerializer vs = new ByteArraySerializer();
        events = driver.createInputTopic(t.trainingEvents(), ks, vs, START, java.time.Duration.ofMillis(1));
        commands = driver.createInputTopic(t.modelCommands(), ks, vs, START, java.time.Duration.ofMillis(1));
        requests = driver.createInputTopic(t.predictionRequests(), ks, vs, START, java.time.Duration.ofMillis(1));
        labels = driver.createInputTopic(t.labels(), ks, vs, START, java.time.Duration.ofMillis(1));
        predictionLog = driver.createInputTopic(t.predictionLog(), ks, vs, START, java.time.Duration.ofMillis(1));
        StringDeserializer kd = new StringDeserializer();
        ByteArrayDeserializer vd = new ByteArrayDeserializer();
        parameters = driver.createOutputTopic(t.modelParameters(), kd, vd);
        metrics = driver.createOutputTopic(t.modelMetrics(), kd, vd);
        predictions = driver.createOutputTopic(t.predictions(), kd, vd);
        deadLetter = driver.createOutputTopic(t.deadLetter(), kd, vd);
        modelEvents = driver.createOutputTopic(t.modelEvents(), kd, vd);
    }

    /** The settings of a harness: default topics and store, the default spec template. */
    static TopologyFactory.Settings settings(Map<String, ModelSpec> seeds, long metricsEvery, long metricsIntervalMs) {
        return new TopologyFactory.Settings(Topics.DEFAULT, TopologyFactory.STORE,
                ConfigLoader.specTemplate(ConfigLoader.DEFAULT_SPEC, "default.spec"), seeds, metricsEvery,
                metricsIntervalMs, 100, 10_000);
    }

    void event(String model, String json) {
        events.pipeInput(model, json.getBytes(StandardCharsets.UTF_8));
    }

    void command(String model, String json) {
        commands.pipeInput(model, json.getBytes(StandardCharsets.UTF_8));
    }

    void upsert(String model, JsonNode spec) {
        ObjectNode c = JSON.createObjectNode();
        c.put("command", "upsert");
        c.set("spec", spec);
        command(model, c.toString());
    }

    void request(String model, String json) {
        requests.pipeInput(model, json.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(byte[] b) {
        try {
            return b == null ? null : JSON.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record of a topic, values as JSON (null for tombstones), keys kept. */
    static List<TestRecord<String, JsonNode>> drain(TestOutputTopic<String, byte[]> topic) {
        List<TestRecord<String, JsonNode>> out = new ArrayList<>();
        for (TestRecord<String, byte[]> r : topic.readRecordsToList()) {
            out.add(new TestRecord<>(r.key(), json(r.value()), r.headers(), r.getRecordTime()));
        }
        return out;
    }

    /** The last value per key of a topic drained now. */
    static JsonNode last(List<TestRecord<String, JsonNode>> records, String key) {
        JsonNode v = null;
        for (TestRecord<String, JsonNode> r : records) {
            if (key.equals(r.key())) {
                v = r.value();
            }
        }
        return v;
    }

    @Override
    public void close() {
        driver.close();
    }
}
