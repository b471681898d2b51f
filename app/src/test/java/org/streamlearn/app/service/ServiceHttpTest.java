package org.streamlearn.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.testing.Chromium;
import org.streamlearn.kafka.local.LocalKafkaBroker;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;

/** The service on a real local broker: the HTTP API (a real HTTP server) and the co-partitioning check. */
class ServiceHttpTest {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static ServiceConfig config(String prefix, Path state) {
        return ConfigLoader.load(null, Map.of(), Map.ofEntries(Map.entry("bootstrap.servers",
                broker.bootstrapServers()), Map.entry("application.id", prefix + "app"),
                Map.entry("state.dir", state.toString()), Map.entry("http.port", "0"),
                Map.entry("topics.partitions", "2"), Map.entry("topic.training-events", prefix + "training-events"),
                Map.entry("topic.model-commands", prefix + "model-commands"),
                Map.entry("topic.prediction-requests", prefix + "prediction-requests"),
                Map.entry("topic.model-parameters", prefix + "model-parameters"),
                Map.entry("topic.model-metrics", prefix + "model-metrics"),
                Map.entry("topic.predictions", prefix + "predictions"),
                Map.entry("topic.dead-letter", prefix + "dead-letter")));
    }

    private static HttpResponse<String> http(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theHttpApiServesSnapshotsAndPredictionsAndAcceptsSpecs(@TempDir Path state) throws Exception {
        ServiceConfig c = config("http-", state);
        try (StreamlearnService s = new StreamlearnService(c).start()) {
            s.awaitRunning(Duration.ofSeconds(60));
            String base = "http://127.0.0.1:" + s.http().port();
            assertThat(http("GET", base + "/health", null).statusCode()).isEqualTo(200);
            HttpResponse<String> bad = http("PUT", base + "/models/m1", "{\"task\":\"regression\",\"features\":2,"
                    + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":-1}}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("error").get("field").asText()).isEqualTo("optimizer.learningRate");
            HttpResponse<String> put = http("PUT", base + "/models/m1", "{\"task\":\"regression\",\"features\":2,"
                    + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.05}}");
            assertThat(put.statusCode()).isEqualTo(202);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < 200; i++) {
                    double x0 = Math.sin(i);
                    double x1 = Math.cos(i);
                    producer.send(new ProducerRecord<>(c.topics().trainingEvents(), "m1", ("{\"features\":[" + x0
                            + "," + x1 + "],\"label\":" + (2 * x0 - x1 + 0.5) + "}").getBytes(StandardCharsets.UTF_8)));
                }
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> r = http("GET", base + "/models/m1", null);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("seen").asLong()).isEqualTo(200);
            });
            HttpResponse<String> pred = http("POST", base + "/models/m1/predict", "{\"id\":\"q\",\"features\":[1,0]}");
            assertThat(pred.statusCode()).isEqualTo(200);
            JsonNode pj = JSON.readTree(pred.body());
            assertThat(pj.get("id").asText()).isEqualTo("q");
            assertThat(pj.get("modelVersion").asLong()).isGreaterThanOrEqualTo(200);
            assertThat(pj.get("prediction").asDouble()).isBetween(1.0, 4.0);
            HttpResponse<String> wrong = http("POST", base + "/models/m1/predict", "{\"features\":[1]}");
            assertThat(wrong.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(wrong.body()).get("error").get("field").asText()).isEqualTo("features");
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                var resource = new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, c.topics().modelParameters());
                String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                        .get("cleanup.policy").value();
                assertThat(policy).as("model-parameters is compacted").isEqualTo("compact");
                assertThat(admin.describeTopics(List.of(c.topics().trainingEvents())).allTopicNames().get()
                        .get(c.topics().trainingEvents()).partitions()).hasSize(2);
            }
            HttpResponse<String> list = http("GET", base + "/models", null);
            assertThat(JSON.readTree(list.body()).get("models").get(0).get("model").asText()).isEqualTo("m1");
            assertThat(JSON.readTree(list.body()).get("models")).as("a spec's store entry is no model").hasSize(1);
            // a changed spec (the store writes it apart from the state): served with the new spec, what was
            // learned kept, the model cache not answering with the spec it decoded before
            assertThat(http("PUT", base + "/models/m1", "{\"task\":\"regression\",\"features\":2,"
                    + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.01}}").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode m = JSON.readTree(http("GET", base + "/models/m1", null).body());
                assertThat(m.get("spec").get("optimizer").get("learningRate").asDouble()).isEqualTo(0.01);
                assertThat(m.get("seen").asLong()).isEqualTo(200);
            });
            assertThat(http("POST", base + "/models/m1/predict", "{\"features\":[1,0]}").statusCode()).isEqualTo(200);
            assertDashboardRendersInABrowser(base);
            assertThat(http("GET", base + "/models/nope", null).statusCode()).isEqualTo(404);
            assertThat(http("POST", base + "/models/nope/predict", "{\"features\":[1,2]}").statusCode())
                    .isEqualTo(404);
        }
    }

    /** {@code GET /models/{id}} of a replicated model shows its replicas' progress (DESIGN.md "Replicas"). */
    @Test
    void aReplicatedModelShowsItsReplicasProgress(@TempDir Path state) throws Exception {
        ServiceConfig c = config("progress-", state);
        try (StreamlearnService s = new StreamlearnService(c).start()) {
            s.awaitRunning(Duration.ofSeconds(60));
            String base = "http://127.0.0.1:" + s.http().port();
            HttpResponse<String> put = http("PUT", base + "/models/big", "{\"task\":\"regression\",\"features\":2,"
                    + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.02},"
                    + "\"replicas\":{\"count\":2,\"syncEvery\":10}}");
            assertThat(put.statusCode()).isEqualTo(202);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < 200; i++) { // no ids: round-robin, 100 events and 10 rounds per replica
                    producer.send(new ProducerRecord<>(c.topics().trainingEvents(), "big", ("{\"features\":["
                            + Math.sin(i) + "," + Math.cos(i) + "],\"label\":1}").getBytes(StandardCharsets.UTF_8)));
                }
            }
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                HttpResponse<String> got = http("GET", base + "/models/big", null);
                assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
                JsonNode m = JSON.readTree(got.body());
                assertThat(m.path("seen").asLong()).as(got.body()).isEqualTo(200);
                JsonNode progress = m.path("replicaProgress");
                assertThat(progress.path("mergedRounds").asLong()).isEqualTo(10);
                for (int i = 0; i < 2; i++) {
                    JsonNode r = progress.get("replicas").get(i);
                    assertThat(r.get("replica").asText()).isEqualTo("big#r" + i);
                    assertThat(r.get("reportedRounds").asLong()).isEqualTo(10);
                    assertThat(r.get("seen").asLong()).isEqualTo(100);
                    assertThat(r.get("lastAdoptedRound").asLong()).isEqualTo(7);
                }
            });
        }
    }

    /**
     * Poison specs on a real broker (issue 15): a spec whose model could not be allocated, or whose snapshot would not
     * fit a record, is refused by {@code PUT} (400 naming the field) and, sent straight to {@code model-commands},
     * becomes a dead letter; a 40,000-feature dense spec fits the default limits and learns; and a model on the
     * same partition keeps learning through it all.
     */
    @Test
    void poisonSpecsAreRefusedAndAModelOnTheSamePartitionKeepsLearning(@TempDir Path state) throws Exception {
        ServiceConfig c = config("poison-", state);
        String ok = "ok";
        String poison = sameFirstPartition(ok, "poison");
        String wide = sameFirstPartition(ok, "wide");
        String huge = "{\"task\":\"multiclass\",\"features\":100000,\"classes\":1000000}";
        try (StreamlearnService s = new StreamlearnService(c).start();
                KafkaProducer<String, byte[]> producer = producer()) {
            s.awaitRunning(Duration.ofSeconds(60));
            String base = "http://127.0.0.1:" + s.http().port();
            HttpResponse<String> put = http("PUT", base + "/models/" + poison, huge);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(400);
            assertThat(JSON.readTree(put.body()).get("error").get("field").asText()).isEqualTo("classes");
            for (int i = 0; i < 50; i++) {
                producer.send(event(c, ok, i));
            }
            producer.send(new ProducerRecord<>(c.topics().modelCommands(), poison,
                    ("{\"command\":\"upsert\",\"spec\":" + huge + "}").getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(c.topics().modelCommands(), wide,
                    "{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":40000}}"
                            .getBytes(StandardCharsets.UTF_8)));
            StringBuilder wideEvent = new StringBuilder("{\"features\":[");
            for (int j = 0; j < 40_000; j++) {
                wideEvent.append(j == 0 ? "" : ",").append(j % 7 == 0 ? "1.5" : "0");
            }
            producer.send(new ProducerRecord<>(c.topics().trainingEvents(), wide,
                    wideEvent.append("],\"label\":2}").toString().getBytes(StandardCharsets.UTF_8)));
            for (int i = 50; i < 100; i++) {
                producer.send(event(c, ok, i));
            }
            producer.flush();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                HttpResponse<String> r = http("GET", base + "/models/" + ok, null);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("seen").asLong()).isEqualTo(100);
                HttpResponse<String> w = http("GET", base + "/models/" + wide, null);
                assertThat(w.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(w.body()).get("seen").asLong()).isEqualTo(1);
                assertThat(JSON.readTree(w.body()).get("weights")).hasSize(40_000);
            });
            assertThat(http("GET", base + "/models/" + poison, null).statusCode()).isEqualTo(404);
            List<JsonNode> dead = new java.util.ArrayList<>();
            try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer =
                    new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of("bootstrap.servers",
                            broker.bootstrapServers(), "isolation.level", "read_committed", "group.id",
                            "poison-reader", "auto.offset.reset", "earliest"),
                            new org.apache.kafka.common.serialization.StringDeserializer(),
                            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                consumer.subscribe(List.of(c.topics().deadLetter()));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                        try {
                            dead.add(JSON.readTree(r.value()));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    return !dead.isEmpty();
                });
            }
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).get("model").asText()).isEqualTo(poison);
            assertThat(dead.get(0).get("field").asText()).isEqualTo("spec.classes");
        }
    }

    /** A model id, {@code prefix} plus a number, on the same of the two partitions as {@code other}. */
    private static String sameFirstPartition(String other, String prefix) {
        int target = partition(other);
        for (int i = 0; ; i++) {
            if (partition(prefix + i) == target) {
                return prefix + i;
            }
        }
    }

    private static int partition(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> event(ServiceConfig c, String model, int i) {
        double x0 = Math.sin(i);
        double x1 = Math.cos(i);
        return new ProducerRecord<>(c.topics().trainingEvents(), model, ("{\"features\":[" + x0 + "," + x1
                + "],\"label\":" + (2 * x0 - x1 + 0.5) + "}").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The dashboard in a real browser: headless Chromium loads the page, runs its script (which polls
     * {@code GET /models}) and the rendered DOM shows the model's row with what it learned.
     */
    private static void assertDashboardRendersInABrowser(String base) throws Exception {
        if (!Chromium.available()) {
            return;
        }
        String dom = Chromium.dumpDom(base + "/");
        assertThat(dom).contains("<tr data-model=\"m1\"").contains("<td class=\"seen\">200</td>")
                .contains("1 model(s)");
    }

    @Test
    void refusesToStartWhenInputTopicsAreNotCoPartitioned(@TempDir Path state) {
        ServiceConfig c = config("copart-", state);
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.createTopics(List.of(TopicSpec.of(c.topics().trainingEvents(), 3),
                    TopicSpec.of(c.topics().modelCommands(), 2)));
            assertThatThrownBy(() -> StreamlearnService.prepareTopics(c, admin))
                    .isInstanceOf(StreamlearnService.TopicMismatchException.class)
                    .hasMessageContaining("copart-training-events=3")
                    .hasMessageContaining("copart-model-commands=2")
                    .hasMessageContaining("co-partitioned");
        }
    }

    @Test
    void existingTopicsWithASmallerRecordLimitLowerTheServicesLimit(@TempDir Path state) {
        ServiceConfig c = config("limits-", state);
        ModelSpec wide = ModelSpecs.parse("{\"task\":\"regression\",\"features\":20000}");
        c.modelLimits().check("m", wide); // fits the default 8 MiB
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            StreamlearnService.prepareTopics(c, admin);
            assertThat(TopicLimits.fit(c, admin)).as("topics it created itself").isSameAs(c);
        }
        ServiceConfig small = config("limits2-", state);
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.createTopics(List.of(TopicSpec.of(small.topics().modelParameters(), 2)
                    .withConfig("max.message.bytes", "300000")));
            StreamlearnService.prepareTopics(small, admin);
            ServiceConfig fitted = TopicLimits.fit(small, admin);
            assertThat(fitted.modelLimits().maxMessageBytes()).isEqualTo(300_000);
            assertThatThrownBy(() -> fitted.modelLimits().check("m", wide)).isInstanceOf(SpecException.class)
                    .hasMessageContaining("features");
        }
        ServiceConfig tiny = config("limits3-", state);
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.createTopics(List.of(TopicSpec.of(tiny.topics().deadLetter(), 2)
                    .withConfig("max.message.bytes", "10000")));
            assertThatThrownBy(() -> TopicLimits.fit(tiny, admin))
                    .isInstanceOf(StreamlearnService.TopicMismatchException.class)
                    .hasMessageContaining("limits3-dead-letter").hasMessageContaining("max.message.bytes");
        }
    }
}
