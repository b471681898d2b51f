package org.streamlearn.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.core.model.Prediction;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * The end-to-end assertions, shared by every kind of cluster (local broker, external cluster, Testcontainers):
 * the service runs in this JVM (exactly-once), models are created by {@code upsert} commands with reference specs,
 * the reference datasets are produced with kafka-clients keyed by model id (bad events mixed in), a {@code flush}
 * closes the open mini-batch, and then every output topic is read and checked:
 * <ul>
 * <li>{@code model-parameters}: the last snapshot of each model equals, bit for bit, the final model of
 * {@code streamlearn backtest} over the same (valid) lines: the bad events left the model untouched;</li>
 * <li>{@code model-metrics}: present, {@code seen} and the progressive metrics equal the backtest's;</li>
 * <li>{@code dead-letter}: one record per bad event, naming the field, with the source offset and the original;</li>
 * <li>{@code predictions}: a prediction equal (bit for bit) to the backtest model's, with the model version;
 * errors for an unknown model, a wrong dimension and a malformed request, carrying the request id;</li>
 * <li>the HTTP API serves the same model;</li>
 * <li>{@code reset} republishes the model from zero at a later version; {@code delete} publishes a tombstone, and
 * the model no longer answers.</li>
 * </ul>
 */
public final class EndToEndScenario {

    /** Reference cases used: a mini-batch regression, FTRL logistic, softmax with Adam. */
    public static final List<String> CASES = List.of("reg_adam_batch7", "bin_ftrl", "mc_adam_ilr");

    private static final Duration WAIT = Duration.ofSeconds(120);

    private record Case(String name, JsonNode spec, List<String> lines) {
    }

    /** A bad training event and what the dead letter must say. */
    private record Bad(String model, int after, String line, String field, String reasonPart) {
    }

    /** A produced bad event: where it landed. */
    private record Sent(Bad bad, RecordMetadata metadata) {
    }

    private static final List<Bad> BAD = List.of(
            new Bad("reg_adam_batch7", 50, "{\"features\": [1.0, 2.0", "event", "not valid JSON"),
            new Bad("reg_adam_batch7", 120, "{\"features\": [900.0, 0.01, 3.5, 0.1], \"label\": 4.2}", "features",
                    "expected 5 values, got 4"),
            new Bad("reg_adam_batch7", 200, "{\"features\": [900.0, NaN, 3.5, 0.1, 0.2], \"label\": 4.2}",
                    "features[1]", "NaN"),
            new Bad("reg_adam_batch7", 333, "{\"features\": [900.0, 0.01, 3.5, 0.1, 0.2], \"label\": 4.2, "
                    + "\"colour\": \"red\"}", "colour", "unknown field"),
            new Bad("bin_ftrl", 100, "{\"features\": [0.1, 11.0, 0.02, 1.0], \"label\": 2}", "label", "label"),
            new Bad("mc_adam_ilr", 10, "{\"features\": [0.5, 1.0, 50.0], \"label\": 1, \"model\": \"another\"}",
                    "model", "differs from the record key"));

    private EndToEndScenario() {
    }

    /** Runs the scenario against {@code cluster}, with files under {@code workDir}. */
    public static void run(KafkaCluster cluster, Path workDir) throws Exception {
        String bootstrap = cluster.bootstrapServers();
        String prefix = TestIds.prefix("e2e");
        Topics t = TestIds.topics(prefix);
        Map<String, String> settings = new LinkedHashMap<>(TestIds.topicSettings(prefix));
        settings.put("bootstrap.servers", bootstrap);
        settings.put("application.id", prefix + "app");
        settings.put("state.dir", workDir.resolve("state").toString());
        settings.put("topics.partitions", "2");
        settings.put("processing.guarantee", "exactly_once_v2");
        settings.put("http.port", "0");
        settings.put("metrics.every.events", "50");
        settings.put("metrics.interval.ms", "0");
        ServiceConfig config = ConfigLoader.load(null, Map.of(), settings);
        List<Case> cases = loadCases();

        try (StreamlearnService service = new StreamlearnService(config).start();
                KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap);
                TopicReader parameters = new TopicReader(bootstrap, t.modelParameters());
                TopicReader metrics = new TopicReader(bootstrap, t.modelMetrics());
                TopicReader predictions = new TopicReader(bootstrap, t.predictions());
                TopicReader deadLetter = new TopicReader(bootstrap, t.deadLetter())) {
            service.awaitRunning(WAIT);

            // 1. create the models with their specs, and wait until each exists (before its first event, which
            //    would otherwise create it from the default spec)
            for (Case c : cases) {
                ObjectNode cmd = Json.MAPPER.createObjectNode().put("command", "upsert");
                cmd.set("spec", c.spec());
                KafkaClients.send(producer, t.modelCommands(), c.name(), Json.write(cmd));
            }
            for (Case c : cases) {
                JsonNode created = parameters.awaitLatest(c.name(), WAIT, v -> v.path("seen").asLong(-1) == 0);
                assertThat(created.get("spec")).as("spec of %s as created", c.name()).isEqualTo(c.spec());
            }

            // 2. the datasets, interleaved across models, each model's events in file order, bad events mixed in
            List<Sent> sentBad = produce(producer, t.trainingEvents(), cases);

            // 3. wait until every valid event is learned (committed metrics), then close open mini-batches
            for (Case c : cases) {
                metrics.awaitLatest(c.name(), WAIT, m -> m.path("seen").asLong() == c.lines().size());
            }
            Map<String, Integer> snapshotsBefore = new LinkedHashMap<>();
            Map<String, Integer> metricsBefore = new LinkedHashMap<>();
            for (Case c : cases) {
                snapshotsBefore.put(c.name(), parameters.values(c.name()).size());
                metricsBefore.put(c.name(), metrics.values(c.name()).size());
                KafkaClients.send(producer, t.modelCommands(), c.name(), "{\"command\": \"flush\"}");
            }
            Map<String, JsonNode> finals = new LinkedHashMap<>();
            for (Case c : cases) {
                parameters.awaitRecords("the snapshot published by flush of " + c.name(), WAIT,
                        rs -> parameters.values(c.name()).size() > snapshotsBefore.get(c.name()));
                metrics.awaitRecords("the metrics published by flush of " + c.name(), WAIT,
                        rs -> metrics.values(c.name()).size() > metricsBefore.get(c.name()));
                finals.put(c.name(), parameters.latest(c.name()));
            }

            // 4. the final parameters equal the backtest's, bit for bit; metrics agree
            Map<String, JsonNode> expectedModels = new LinkedHashMap<>();
            for (Case c : cases) {
                JsonNode run = Backtests.run(workDir.resolve("backtest"), c.name(), Json.write(c.spec()), c.lines());
                JsonNode expected = run.get("model");
                expectedModels.put(c.name(), expected);
                JsonNode actual = finals.get(c.name());
                assertThat(actual.path("seen").asLong()).as("seen of %s", c.name()).isEqualTo(c.lines().size());
                assertThat(actual.has("batch")).as("%s has no open mini-batch after flush", c.name()).isFalse();
                ModelAssertions.assertSameModel(actual, expected, "model-parameters of " + c.name()
                        + " vs streamlearn backtest");

                JsonNode m = metrics.latest(c.name());
                assertThat(m.path("model").asText()).isEqualTo(c.name());
                assertThat(m.path("seen").asLong()).as("model-metrics seen of %s", c.name())
                        .isEqualTo(c.lines().size());
                assertThat(m.path("updates").asLong()).as("model-metrics updates of %s", c.name())
                        .isEqualTo(expected.path("updates").asLong());
                assertThat(m.path("refused").asLong()).isZero();
                assertThat(m.path("modelVersion").asLong()).as("model-metrics modelVersion of %s", c.name())
                        .isEqualTo(actual.path("version").asLong());
                ModelAssertions.assertSameJson(m.get("metric"), run.get("metrics"),
                        "model-metrics metric of " + c.name() + " vs the backtest's progressive metrics");
                assertThat(m.path("loss").path("mean").isNumber()).as("loss.mean of %s", c.name()).isTrue();
                assertThat(metrics.values(c.name())).as("metrics records of %s", c.name())
                        .hasSizeGreaterThanOrEqualTo(c.lines().size() / 50);
            }

            // 5. one dead letter per bad event, naming the field, pointing at the source record
            assertDeadLetters(deadLetter, sentBad, t);

            // 6. predictions: a valid request per model kind, and three errors carrying the request id
            assertPredictions(producer, predictions, t, cases, finals, expectedModels);

            // 7. the HTTP API serves the model as last committed
            assertHttp(service, "reg_adam_batch7", finals.get("reg_adam_batch7"));

            // 8. reset and delete
            assertResetAndDelete(service, producer, parameters, predictions, t, finals);

            // nothing else went to dead-letter meanwhile
            deadLetter.poll(Duration.ofMillis(500));
            assertThat(deadLetter.records()).as("dead-letter records").hasSize(sentBad.size());
        }
    }

    private static List<Case> loadCases() throws IOException {
        Path ref = ItEnv.reference();
        JsonNode all = Json.read(ref.resolve("cases.json")).get("cases");
        List<Case> out = new ArrayList<>();
        for (String name : CASES) {
            JsonNode found = null;
            for (JsonNode c : all) {
                if (c.path("name").asText().equals(name)) {
                    found = c;
                }
            }
            assertThat(found).as("reference case %s in %s", name, ref).isNotNull();
            List<String> lines = new ArrayList<>();
            for (String l : Files.readAllLines(ref.resolve(found.get("dataset").asText()), StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    lines.add(l);
                }
            }
            out.add(new Case(name, found.get("spec"), lines));
        }
        return out;
    }

    private static List<Sent> produce(KafkaProducer<String, String> producer, String topic, List<Case> cases)
            throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        List<Bad> badOrder = new ArrayList<>();
        List<Future<RecordMetadata>> badAcks = new ArrayList<>();
        int longest = cases.stream().mapToInt(c -> c.lines().size()).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (Case c : cases) {
                for (Bad b : BAD) {
                    if (b.model().equals(c.name()) && b.after() == i) {
                        badOrder.add(b);
                        badAcks.add(producer.send(new ProducerRecord<>(topic, c.name(), b.line())));
                    }
                }
                if (i < c.lines().size()) {
                    acks.add(producer.send(new ProducerRecord<>(topic, c.name(), c.lines().get(i))));
                }
            }
        }
        producer.flush();
        for (Future<RecordMetadata> f : acks) {
            f.get();
        }
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < badOrder.size(); i++) {
            sent.add(new Sent(badOrder.get(i), badAcks.get(i).get()));
        }
        assertThat(sent).as("bad events sent").hasSize(BAD.size());
        return sent;
    }

    private static void assertDeadLetters(TopicReader deadLetter, List<Sent> sent, Topics t) {
        deadLetter.awaitRecords(sent.size() + " dead letters", WAIT, rs -> rs.size() >= sent.size());
        for (Sent s : sent) {
            ConsumerRecord<String, String> rec = deadLetter.records().stream()
                    .filter(r -> Json.parse(r.value()).path("source").path("offset").asLong(-1) == s.metadata().offset()
                            && Json.parse(r.value()).path("source").path("partition").asInt(-1)
                            == s.metadata().partition())
                    .findFirst().orElseThrow(() -> new AssertionError("no dead letter for the bad event " + s.bad()
                            + " at " + s.metadata() + "; dead letters: " + deadLetter.records()));
            JsonNode v = Json.parse(rec.value());
            String what = "dead letter of " + s.bad().line();
            assertThat(rec.key()).as("%s: key", what).isEqualTo(s.bad().model());
            assertThat(v.path("model").asText()).as("%s: model", what).isEqualTo(s.bad().model());
            assertThat(v.path("source").path("topic").asText()).as("%s: source topic", what)
                    .isEqualTo(t.trainingEvents());
            assertThat(v.path("field").asText()).as("%s: field", what).isEqualTo(s.bad().field());
            assertThat(v.path("reason").asText()).as("%s: reason", what)
                    .startsWith(s.bad().field() + ":").contains(s.bad().reasonPart());
            assertThat(v.path("original").asText()).as("%s: original", what).isEqualTo(s.bad().line());
            assertThat(v.path("atMs").asLong()).as("%s: atMs", what).isPositive();
            Header h = rec.headers().lastHeader("streamlearn.reason");
            assertThat(h).as("%s: streamlearn.reason header", what).isNotNull();
            assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo(v.path("reason").asText());
        }
    }

    private static void assertPredictions(KafkaProducer<String, String> producer, TopicReader predictions, Topics t,
            List<Case> cases, Map<String, JsonNode> finals, Map<String, JsonNode> expectedModels) {
        String reg = "reg_adam_batch7";
        String mc = "mc_adam_ilr";
        String regFeatures = "[950.5, 0.02, 3.5, -0.25, 0.4]";
        String mcFeatures = "[0.3, -0.7, 48.0]";
        KafkaClients.send(producer, t.predictionRequests(), reg, "{\"id\": \"p-reg\", \"features\": " + regFeatures + "}");
        KafkaClients.send(producer, t.predictionRequests(), mc, "{\"id\": \"p-mc\", \"features\": " + mcFeatures + "}");
        KafkaClients.send(producer, t.predictionRequests(), "no-such-model", "{\"id\": \"p-unknown\", \"features\": [1, 2]}");
        KafkaClients.send(producer, t.predictionRequests(), reg, "{\"id\": \"p-dim\", \"features\": [1.0, 2.0]}");
        KafkaClients.send(producer, t.predictionRequests(), reg, "{\"id\": \"p-bad\", \"features\": [1.0,");
        predictions.awaitRecords("5 predictions", WAIT, rs -> rs.size() >= 5);
        assertThat(predictions.records()).as("predictions").hasSize(5);
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        List<JsonNode> noId = new ArrayList<>();
        for (ConsumerRecord<String, String> r : predictions.records()) {
            JsonNode v = Json.parse(r.value());
            if (v.path("id").isTextual()) {
                byId.put(v.get("id").asText(), v);
            } else {
                noId.add(v);
            }
        }

        JsonNode pReg = byId.get("p-reg");
        assertThat(pReg).as("prediction p-reg").isNotNull();
        assertThat(pReg.has("error")).as("p-reg is not an error: %s", pReg).isFalse();
        assertThat(pReg.path("model").asText()).isEqualTo(reg);
        assertThat(pReg.path("modelVersion").asLong()).as("modelVersion of p-reg")
                .isEqualTo(finals.get(reg).path("version").asLong());
        Prediction expReg = expectedPrediction(expectedModels.get(reg), regFeatures);
        assertThat(ModelAssertions.sameBits(pReg.path("prediction").asDouble(), expReg.value()))
                .as("p-reg prediction %s == the backtest model's %s (bit for bit)", pReg.path("prediction"),
                        expReg.value()).isTrue();

        JsonNode pMc = byId.get("p-mc");
        assertThat(pMc).as("prediction p-mc").isNotNull();
        assertThat(pMc.has("error")).as("p-mc is not an error: %s", pMc).isFalse();
        assertThat(pMc.path("modelVersion").asLong()).isEqualTo(finals.get(mc).path("version").asLong());
        Prediction expMc = expectedPrediction(expectedModels.get(mc), mcFeatures);
        assertThat(pMc.path("prediction").asInt()).isEqualTo((int) expMc.value());
        assertThat(pMc.path("probabilities")).hasSize(expMc.probabilities().length);
        for (int k = 0; k < expMc.probabilities().length; k++) {
            assertThat(ModelAssertions.sameBits(pMc.path("probabilities").get(k).asDouble(), expMc.probabilities()[k]))
                    .as("p-mc probabilities[%d] %s == %s", k, pMc.path("probabilities").get(k),
                            expMc.probabilities()[k]).isTrue();
        }

        assertError(byId.get("p-unknown"), "p-unknown", "no-such-model", "model");
        assertError(byId.get("p-dim"), "p-dim", reg, "features");
        assertThat(noId).as("errors without a request id (the malformed request)").hasSize(1);
        JsonNode bad = noId.get(0);
        assertThat(bad.path("model").asText()).isEqualTo(reg);
        assertThat(bad.path("error").path("field").asText()).isEqualTo("event");
        assertThat(bad.path("error").path("reason").asText()).contains("not valid JSON");
    }

    private static void assertError(JsonNode v, String id, String model, String field) {
        assertThat(v).as("prediction error for request %s", id).isNotNull();
        assertThat(v.path("id").asText()).isEqualTo(id);
        assertThat(v.path("model").asText()).as("model of the error for %s", id).isEqualTo(model);
        assertThat(v.path("error").path("field").asText()).as("error field for %s: %s", id, v).isEqualTo(field);
        assertThat(v.path("error").path("reason").asText()).as("error reason for %s", id).startsWith(field + ":");
        assertThat(v.has("prediction")).isFalse();
    }

    private static Prediction expectedPrediction(JsonNode model, String featuresJson) {
        ModelState m = JsonStateCodec.parse(Json.write(model));
        JsonNode f = Json.parse(featuresJson);
        double[] x = new double[f.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = f.get(i).asDouble();
        }
        return m.learner().predict(x);
    }

    private static void assertResetAndDelete(StreamlearnService service, KafkaProducer<String, String> producer,
            TopicReader parameters, TopicReader predictions, Topics t, Map<String, JsonNode> finals) throws Exception {
        String mc = "mc_adam_ilr";
        long before = finals.get(mc).path("version").asLong();
        KafkaClients.send(producer, t.modelCommands(), mc, "{\"command\": \"reset\"}");
        JsonNode reset = parameters.awaitLatest(mc, WAIT, v -> v.path("version").asLong() > before);
        assertThat(reset.path("seen").asLong()).as("seen after reset").isZero();
        assertThat(reset.path("updates").asLong()).as("updates after reset").isZero();
        assertThat(reset.get("spec")).isEqualTo(finals.get(mc).get("spec"));
        for (JsonNode w : reset.path("weights")) {
            for (JsonNode v : w) {
                assertThat(v.asDouble()).as("weights after reset").isZero();
            }
        }

        String bin = "bin_ftrl";
        KafkaClients.send(producer, t.modelCommands(), bin, "{\"command\": \"delete\"}");
        parameters.awaitRecords("a tombstone for " + bin, WAIT, rs -> parameters.lastIsTombstone(bin));
        int seen = predictions.records().size();
        KafkaClients.send(producer, t.predictionRequests(), bin, "{\"id\": \"p-deleted\", \"features\": [0.1, 11.0, 0.02, 1.0]}");
        predictions.awaitRecords("the answer to p-deleted", WAIT, rs -> rs.size() > seen);
        assertError(Json.parse(predictions.records().get(seen).value()), "p-deleted", bin, "model");
        if (service.http() != null) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + service.http().port() + "/models/" + bin)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET /models/%s after delete: %s", bin, r.body()).isEqualTo(404);
        }
    }

    private static void assertHttp(StreamlearnService service, String model, JsonNode expected) throws Exception {
        if (service.http() == null) {
            return;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + service.http().port() + "/models/" + model)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET /models/%s: %s", model, r.body()).isEqualTo(200);
        JsonNode body = Json.parse(r.body());
        ModelAssertions.assertSameModel(body, expected, "GET /models/" + model + " vs model-parameters");
        assertThat(body.path("version").asLong()).isEqualTo(expected.path("version").asLong());
    }
}
