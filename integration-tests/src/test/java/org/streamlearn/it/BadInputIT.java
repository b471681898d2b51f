package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.config.Topics;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Json;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.it.support.TopicReader;

/**
 * The bad-input suite (issue 15), against a real broker and the service as a separate process: every kind of bad
 * training event, model command and prediction request the service knows of, produced in one go after four
 * models have learned, then checked: each kind has its own dead letter (found by its source
 * topic-partition@offset) or prediction error, with the expected field and reason; every dead letter is bounded;
 * no bad record created a model; the four models are unchanged (a {@code publish} snapshot equal to the one
 * before); and they all keep learning afterwards.
 */
@ExtendWith(KafkaFixture.class)
class BadInputIT {

    static final String REG = "reg";
    static final String BIN = "bin";
    static final String MC = "mc";
    static final String HASH = "hash";
    static final Map<String, String> SPECS = Map.of(
            REG, "{\"task\":\"regression\",\"features\":2}",
            BIN, "{\"task\":\"binary\",\"features\":2}",
            MC, "{\"task\":\"multiclass\",\"features\":2,\"classes\":3,\"classNames\":[\"a\",\"b\",\"c\"]}",
            HASH, "{\"task\":\"regression\",\"hashBits\":4}");
    static final int GOOD_BEFORE = 20;
    static final int GOOD_AFTER = 5;

    /** One bad record and what must come of it. */
    record Kind(String name, String topic, byte[] key, byte[] value, String field, String reason) {
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String good(String model, int i) {
        double a = Math.sin(i);
        double b = Math.cos(0.7 * i);
        return switch (model) {
            case REG -> "{\"features\":[" + a + "," + b + "],\"label\":" + (2 * a - b) + "}";
            case BIN -> "{\"features\":[" + a + "," + b + "],\"label\":" + (a > b ? 1 : 0) + "}";
            case MC -> "{\"features\":[" + a + "," + b + "],\"label\":\"" + "abc".charAt(i % 3) + "\"}";
            default -> "{\"features\":{\"a\":" + a + ",\"b\":" + b + "},\"label\":" + (a + b) + "}";
        };
    }

    /** Training events and model commands: each gives one dead letter. */
    static List<Kind> deadLetterKinds(Topics t) {
        List<Kind> k = new ArrayList<>();
        String ev = t.trainingEvents();
        String cmd = t.modelCommands();
        String ok = "{\"features\":[1,2],\"label\":1}";
        Object[][] events = {
            {"not JSON", REG, "hello there", "event", "not valid JSON"},
            {"JSON array", REG, "[1,2]", "event", "must be a JSON object"},
            {"JSON string", REG, "\"x\"", "event", "must be a JSON object"},
            {"JSON number", REG, "42", "event", "must be a JSON object"},
            {"JSON null", REG, "null", "event", "must be a JSON object"},
            {"empty value", REG, "", "event", "empty record"},
            {"missing label", REG, "{\"features\":[1,2]}", "label", "missing"},
            {"null label", REG, "{\"features\":[1,2],\"label\":null}", "label", "missing"},
            {"string label on regression", REG, "{\"features\":[1,2],\"label\":\"abc\"}", "label", "must be a number"},
            {"object label", REG, "{\"features\":[1,2],\"label\":{}}", "label", "must be a number"},
            {"array label", REG, "{\"features\":[1,2],\"label\":[1]}", "label", "must be a number"},
            {"binary label 2", BIN, "{\"features\":[1,2],\"label\":2}", "label", "must be 0 or 1"},
            {"binary label 0.5", BIN, "{\"features\":[1,2],\"label\":0.5}", "label", "must be 0 or 1"},
            {"binary label string", BIN, "{\"features\":[1,2],\"label\":\"yes\"}", "label", "must be a number for task binary"},
            {"class index 3 of 3", MC, "{\"features\":[1,2],\"label\":3}", "label", "integer in 0..2"},
            {"class index 1.5", MC, "{\"features\":[1,2],\"label\":1.5}", "label", "integer in 0..2"},
            {"class index -1", MC, "{\"features\":[1,2],\"label\":-1}", "label", "integer in 0..2"},
            {"unknown class name", MC, "{\"features\":[1,2],\"label\":\"zebra\"}", "label", "unknown class 'zebra'"},
            {"three features for two", REG, "{\"features\":[1,2,3],\"label\":1}", "features", "expected 2 values, got 3"},
            {"one feature for two", REG, "{\"features\":[1],\"label\":1}", "features", "expected 2 values, got 1"},
            {"NaN feature", REG, "{\"features\":[NaN,2],\"label\":1}", "features[0]", "NaN is not allowed"},
            {"Infinity feature", REG, "{\"features\":[1,Infinity],\"label\":1}", "features[1]", "must be finite"},
            {"-Infinity feature", REG, "{\"features\":[-Infinity,1],\"label\":1}", "features[0]", "must be finite"},
            {"overflowing number", REG, "{\"features\":[1e400,2],\"label\":1}", "features[0]", "must be finite"},
            {"feature 1e300", REG, "{\"features\":[1e300,2],\"label\":1}", "features[0]", "exceeds"},
            {"label -1e200", REG, "{\"features\":[1,2],\"label\":-1e200}", "label", "exceeds"},
            {"NaN label", REG, "{\"features\":[1,2],\"label\":NaN}", "label", "NaN is not allowed"},
            {"string feature", REG, "{\"features\":[1,\"two\"],\"label\":1}", "features[1]", "must be a number, got string \"two\""},
            {"null feature", REG, "{\"features\":[null,2],\"label\":1}", "features[0]", "must be a number, got null"},
            {"boolean feature", REG, "{\"features\":[true,2],\"label\":1}", "features[0]", "must be a number, got boolean"},
            {"nested array feature", REG, "{\"features\":[[1],2],\"label\":1}", "features[0]", "must be a number, got an array"},
            {"missing features", REG, "{\"label\":1}", "features", "missing"},
            {"null features", REG, "{\"features\":null,\"label\":1}", "features", "missing"},
            {"string features", REG, "{\"features\":\"1,2\",\"label\":1}", "features", "must be an array of numbers or an object"},
            {"number features", REG, "{\"features\":7,\"label\":1}", "features", "must be an array of numbers or an object"},
            {"empty feature array", REG, "{\"features\":[],\"label\":1}", "features", "empty"},
            {"empty feature map", HASH, "{\"features\":{},\"label\":1}", "features", "empty feature map"},
            {"named features on a dense model", REG, "{\"features\":{\"a\":1},\"label\":1}", "features", "named features need a spec with hashBits"},
            {"named feature 1e300", HASH, "{\"features\":{\"price\":1e300,\"qty\":1},\"label\":1}", "features.price", "exceeds"},
            {"named feature NaN", HASH, "{\"features\":{\"price\":NaN},\"label\":1}", "features.price", "NaN is not allowed"},
            {"named feature string", HASH, "{\"features\":{\"price\":\"x\"},\"label\":1}", "features.price", "must be a number"},
            {"negative weight", REG, "{\"features\":[1,2],\"label\":1,\"weight\":-2}", "weight", "must be >= 0"},
            {"weight 1e300", REG, "{\"features\":[1,2],\"label\":1,\"weight\":1e300}", "weight", "exceeds"},
            {"string weight", REG, "{\"features\":[1,2],\"label\":1,\"weight\":\"x\"}", "weight", "must be a number"},
            {"NaN weight", REG, "{\"features\":[1,2],\"label\":1,\"weight\":NaN}", "weight", "NaN is not allowed"},
            {"unknown field", REG, "{\"features\":[1,2],\"label\":1,\"lable\":2}", "lable", "unknown field"},
            {"object id", REG, "{\"features\":[1,2],\"label\":1,\"id\":{}}", "id", "must be a string"},
            {"id over 1024 characters", REG, "{\"features\":[1,2],\"label\":1,\"id\":\"" + "i".repeat(1025) + "\"}", "id", "longer than 1024"},
            {"model field differs from the key", REG, "{\"features\":[1,2],\"label\":1,\"model\":\"bin\"}", "model", "differs from the record key"},
            {"duplicate label", REG, "{\"features\":[1,2],\"label\":1,\"label\":0}", "event", "the key label is given twice"},
            {"two features of different lengths", REG, "{\"features\":[1,2],\"features\":[1,2,3],\"label\":1}", "event", "the key features is given twice"},
            {"a named feature twice", HASH, "{\"features\":{\"a\":1,\"a\":2},\"label\":1}", "event", "the key features.a is given twice"},
            {"trailing garbage", REG, ok + " garbage", "event", "after the event"},
            {"two concatenated events", REG, ok + ok, "event", "a second JSON value"},
            {"a rejected first event of an unknown model", "ghost", "{\"features\":[1,2],\"label\":1,\"weight\":1e300}", "weight", "exceeds"},
        };
        for (Object[] e : events) {
            k.add(new Kind("event: " + e[0], ev, utf8((String) e[1]), utf8((String) e[2]), (String) e[3], (String) e[4]));
        }
        k.add(new Kind("event: null key", ev, null, utf8(ok), "key", "key: null"));
        k.add(new Kind("event: null key with a model field (split brain)", ev, null,
                utf8("{\"features\":[1,2],\"label\":1,\"model\":\"reg\"}"), "key", "key the record by its model id"));
        k.add(new Kind("event: empty key", ev, new byte[0], utf8(ok), "key", "empty"));
        k.add(new Kind("event: 256-character key", ev, utf8("k".repeat(256)), utf8(ok), "key", "longer than 255"));
        k.add(new Kind("event: key with a control character", ev, utf8("a\u0007b"), utf8(ok), "key",
                "control character U+0007"));
        k.add(new Kind("event: key not UTF-8", ev, new byte[] {'m', (byte) 0xc3, (byte) 0x28}, utf8(ok), "key",
                "not valid UTF-8"));
        k.add(new Kind("event: 600 KB key, valid event", ev, utf8("K".repeat(600 * 1024)), utf8(ok), "key",
                "longer than 255 characters (614400)"));
        byte[] control = new byte[900 * 1024];
        Arrays.fill(control, (byte) 1);
        k.add(new Kind("event: 900 KB of control bytes", ev, utf8(REG), control, "event", "not valid JSON"));
        k.add(new Kind("event: value not UTF-8", ev, utf8(REG), new byte[] {'{', (byte) 0xff, '}'}, "event",
                "not valid JSON"));

        Object[][] commands = {
            {"not JSON", REG, "not json", "command", "not valid JSON"},
            {"JSON array", REG, "[1]", "command", "must be a JSON object"},
            {"empty value", REG, "", "command", "empty record"},
            {"missing command", REG, "{\"spec\":{}}", "command", "missing"},
            {"numeric command", REG, "{\"command\":5}", "command", "missing"},
            {"unknown command", REG, "{\"command\":\"explode\"}", "command", "unknown value 'explode'"},
            {"upsert without spec", REG, "{\"command\":\"upsert\"}", "spec", "required"},
            {"unknown optimizer", REG, "{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"adamw\"}}}", "spec.optimizer.type", "unknown value 'adamw'"},
            {"negative learning rate", REG, "{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"sgd\",\"learningRate\":-0.1}}}", "spec.optimizer.learningRate", "must be > 0"},
            {"unknown spec field", REG, "{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":2,\"colour\":\"red\"}}", "spec.colour", "unknown field"},
            {"reset with a spec", REG, "{\"command\":\"reset\",\"spec\":{}}", "spec", "unknown field"},
            {"duplicate command key", REG, "{\"command\":\"reset\",\"command\":\"delete\"}", "command", "the key command is given twice"},
            {"duplicate key in the spec", REG, "{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"task\":\"binary\",\"features\":2}}", "command", "the key spec.task is given twice"},
            {"two concatenated commands", REG, "{\"command\":\"reset\"}{\"command\":\"delete\"}", "command", "a second JSON value"},
            {"trailing token", REG, "{\"command\":\"reset\"} ]", "command", "after the command"},
            {"reset of an unknown model", "nomodel", "{\"command\":\"reset\"}", "model", "no model 'nomodel'"},
            {"delete of an unknown model", "nomodel", "{\"command\":\"delete\"}", "model", "no model 'nomodel'"},
        };
        for (Object[] c : commands) {
            k.add(new Kind("command: " + c[0], cmd, utf8((String) c[1]), utf8((String) c[2]), (String) c[3],
                    (String) c[4]));
        }
        k.add(new Kind("command: null key", cmd, null, utf8("{\"command\":\"reset\"}"), "key", "key: null"));
        k.add(new Kind("command: key with a control character", cmd, utf8("x\u0000"), utf8("{\"command\":\"reset\"}"),
                "key", "control character U+0000"));
        return k;
    }

    /** Prediction requests: each gives one error record on {@code predictions}. */
    static List<Kind> requestKinds(Topics t) {
        String rq = t.predictionRequests();
        Object[][] requests = {
            {"not JSON", REG, "nope", "event", "not valid JSON"},
            {"wrong dimension", REG, "{\"id\":\"q2\",\"features\":[1]}", "features", "expected 2 values, got 1"},
            {"a label", REG, "{\"id\":\"q3\",\"features\":[1,2],\"label\":1}", "label", "unknown field"},
            {"unknown model", "nobody", "{\"id\":\"q4\",\"features\":[1,2]}", "model", "unknown model 'nobody'"},
            {"model field differs", REG, "{\"id\":\"q5\",\"features\":[1,2],\"model\":\"bin\"}", "model", "differs from the record key"},
            {"duplicate id", REG, "{\"id\":\"a\",\"id\":\"b\",\"features\":[1,2]}", "event", "the key id is given twice"},
            {"NaN feature", REG, "{\"id\":\"q7\",\"features\":[NaN,1]}", "features[0]", "NaN is not allowed"},
            {"id over 1024 characters", REG, "{\"id\":\"" + "q".repeat(2000) + "\",\"features\":[1,2]}", "id", "longer than 1024"},
            {"named feature 1e300", HASH, "{\"id\":\"q9\",\"features\":{\"price\":1e300}}", "features.price", "exceeds"},
            {"concatenated requests", REG, "{\"features\":[1,2]}{\"features\":[1,2]}", "event", "a second JSON value"},
        };
        List<Kind> k = new ArrayList<>();
        for (Object[] r : requests) {
            k.add(new Kind("request: " + r[0], rq, utf8((String) r[1]), utf8((String) r[2]), (String) r[3],
                    (String) r[4]));
        }
        k.add(new Kind("request: null key", rq, null, utf8("{\"id\":\"q11\",\"features\":[1,2]}"), "key",
                "key the record by its model id"));
        k.add(new Kind("request: 256-character key", rq, utf8("r".repeat(256)), utf8("{\"id\":\"q12\",\"features\":[1,2]}"),
                "key", "longer than 255"));
        return k;
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(String bootstrap) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(c);
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> p, String topic, byte[] key, byte[] value)
            throws Exception {
        return p.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
    }

    private static void publishAll(KafkaProducer<byte[], byte[]> p, Topics t) throws Exception {
        for (String m : SPECS.keySet()) {
            send(p, t.modelCommands(), utf8(m), utf8("{\"command\":\"publish\"}"));
        }
    }

    @Test
    @Timeout(600)
    void everyKindOfBadInputIsADeadLetterOrAnErrorAndEveryModelKeepsLearning(KafkaCluster kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        String prefix = TestIds.prefix("bad-input");
        Topics t = TestIds.topics(prefix);
        Map<String, String> settings = new LinkedHashMap<>(TestIds.topicSettings(prefix));
        settings.put("topics.partitions", "2");
        settings.put("metrics.interval.ms", "0");
        Path work = ItEnv.workDir("bad-input");
        List<Kind> dead = deadLetterKinds(t);
        List<Kind> errors = requestKinds(t);
        assertThat(dead.size() + errors.size()).as("kinds of bad input").isGreaterThanOrEqualTo(60);

        try (ServiceProcess service = ServiceProcess.run(bootstrap, prefix + "app", work.resolve("state"), settings,
                work.resolve("service.log"));
                KafkaProducer<byte[], byte[]> producer = rawProducer(bootstrap)) {
            try {
                KafkaClients.awaitTopics(bootstrap, t.all(), Duration.ofSeconds(120));
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("the service did not create its topics; its log:\n" + service.logTail(40), e);
            }
            try (TopicReader parameters = new TopicReader(bootstrap, t.modelParameters());
                    TopicReader deadLetters = new TopicReader(bootstrap, t.deadLetter());
                    TopicReader predictions = new TopicReader(bootstrap, t.predictions())) {
                // four models learn GOOD_BEFORE events each, then publish: the snapshot to compare with
                for (Map.Entry<String, String> s : SPECS.entrySet()) {
                    send(producer, t.modelCommands(), utf8(s.getKey()),
                            utf8("{\"command\":\"upsert\",\"spec\":" + s.getValue() + "}"));
                }
                for (int i = 0; i < GOOD_BEFORE; i++) {
                    for (String m : SPECS.keySet()) {
                        send(producer, t.trainingEvents(), utf8(m), utf8(good(m, i)));
                    }
                }
                publishAll(producer, t);
                Map<String, JsonNode> before = new LinkedHashMap<>();
                for (String m : SPECS.keySet()) {
                    before.put(m, parameters.awaitLatest(m, Duration.ofSeconds(120),
                            v -> v.get("seen").asLong() == GOOD_BEFORE));
                }
                Map<String, Integer> snapshots = new LinkedHashMap<>();
                SPECS.keySet().forEach(m -> snapshots.put(m, parameters.values(m).size()));

                // every kind at once
                Map<String, Kind> bySource = new LinkedHashMap<>();
                for (Kind k : dead) {
                    RecordMetadata md = send(producer, k.topic(), k.key(), k.value());
                    bySource.put(md.topic() + "-" + md.partition() + "@" + md.offset(), k);
                }
                for (Kind k : errors) {
                    send(producer, k.topic(), k.key(), k.value());
                }

                // one dead letter per kind, found by its source, with its field and reason, bounded
                deadLetters.awaitRecords("a dead letter for each of " + dead.size() + " kinds", Duration.ofSeconds(180),
                        rs -> sources(rs).containsAll(bySource.keySet()));
                Set<String> seen = new HashSet<>();
                for (ConsumerRecord<String, String> r : deadLetters.records()) {
                    JsonNode d = Json.parse(r.value());
                    String src = source(d);
                    Kind k = bySource.get(src);
                    assertThat(k).as("a dead letter for a record the test did not send as bad: %s", r.value())
                            .isNotNull();
                    assertThat(seen.add(src)).as("one dead letter for %s", k.name()).isTrue();
                    assertThat(d.get("field").asText()).as(k.name()).isEqualTo(k.field());
                    assertThat(d.get("reason").asText()).as(k.name()).contains(k.reason());
                    assertThat(r.serializedValueSize()).as(k.name() + ": bounded").isLessThan(70_000);
                    assertThat(r.serializedKeySize()).as(k.name() + ": bounded key").isLessThan(1_100);
                    assertThat(d.get("truncated").booleanValue()).as(k.name())
                            .isEqualTo(k.value() != null && k.value().length > 64 * 1024);
                }

                // one prediction error per request kind
                predictions.awaitRecords("an error for each of " + errors.size() + " bad requests",
                        Duration.ofSeconds(120), rs -> rs.size() >= errors.size());
                List<JsonNode> answers = new ArrayList<>();
                predictions.records().forEach(r -> answers.add(Json.parse(r.value())));
                assertThat(answers).hasSize(errors.size());
                for (Kind k : errors) {
                    JsonNode match = null;
                    for (JsonNode a : answers) {
                        JsonNode e = a.get("error");
                        if (e != null && e.get("field").asText().equals(k.field())
                                && e.get("reason").asText().contains(k.reason())) {
                            match = a;
                            break;
                        }
                    }
                    assertThat(match).as("a prediction error for %s among %s", k.name(), answers).isNotNull();
                    answers.remove(match);
                }

                // the models are unchanged, and no bad record created one
                publishAll(producer, t);
                for (String m : SPECS.keySet()) {
                    int n = snapshots.get(m);
                    parameters.awaitRecords("a new snapshot of " + m, Duration.ofSeconds(120),
                            rs -> parameters.values(m).size() > n);
                    JsonNode after = parameters.latest(m);
                    assertThat(after.get("seen")).as(m).isEqualTo(before.get(m).get("seen"));
                    assertThat(after.get("weights")).as(m).isEqualTo(before.get(m).get("weights"));
                    assertThat(after.get("version")).as(m).isEqualTo(before.get(m).get("version"));
                }
                Set<String> keys = new HashSet<>();
                parameters.records().forEach(r -> keys.add(r.key()));
                assertThat(keys).containsExactlyInAnyOrderElementsOf(SPECS.keySet());

                // and the stream still learns
                for (int i = GOOD_BEFORE; i < GOOD_BEFORE + GOOD_AFTER; i++) {
                    for (String m : SPECS.keySet()) {
                        send(producer, t.trainingEvents(), utf8(m), utf8(good(m, i)));
                    }
                }
                publishAll(producer, t);
                for (String m : SPECS.keySet()) {
                    parameters.awaitLatest(m, Duration.ofSeconds(120),
                            v -> v.get("seen").asLong() == GOOD_BEFORE + GOOD_AFTER);
                }
                assertThat(service.isAlive()).as("the service is still running; its log:\n" + service.logTail(30))
                        .isTrue();
            }
        }
    }

    private static String source(JsonNode d) {
        JsonNode s = d.get("source");
        return s.get("topic").asText() + "-" + s.get("partition").asInt() + "@" + s.get("offset").asLong();
    }

    private static Set<String> sources(List<ConsumerRecord<String, String>> records) {
        Set<String> out = new HashSet<>();
        for (ConsumerRecord<String, String> r : records) {
            out.add(source(Json.parse(r.value())));
        }
        return out;
    }
}
