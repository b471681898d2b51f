package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.config.Topics;
import org.streamlearn.it.support.Backtests;
import org.streamlearn.it.support.Commands;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Json;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ModelAssertions;
import org.streamlearn.it.support.Prometheus;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.it.support.TopicReader;

/**
 * Delayed labels against a real broker, the service a separate process (DESIGN.md "Delayed labels"):
 * predictions served over HTTP with ids, their labels later over {@code kcat} and over
 * {@code POST /models/{id}/labels}; then predictions with ids through {@code prediction-requests}, the service
 * killed with {@code kill -9} while they are pending and during the labels, restarted. Both models end equal to
 * {@code streamlearn backtest --label-delay N} of the same sequence (every prediction before any label), every
 * label matched exactly once and nothing in {@code dead-letter}.
 */
@ExtendWith(KafkaFixture.class)
class DelayedLabelsIT {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SPEC = "{\"task\":\"binary\",\"features\":4,\"optimizer\":{\"type\":\"adam\","
            + "\"learningRate\":0.05},\"publishEvery\":100,\"feedback\":{\"ttlMs\":86400000}}";
    private static final int HTTP_EVENTS = 300;
    private static final int PENDING = Integer.getInteger("it.labels.pending", 50_000);

    @Test
    @Timeout(900)
    void labelsArriveLaterOverKcatAndHttpAndSurviveKill9(KafkaCluster kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Path work = ItEnv.workDir("delayed-labels");
        String prefix = TestIds.prefix("labels");
        Topics topics = TestIds.topics(prefix);
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        Map<String, String> settings = new LinkedHashMap<>(TestIds.topicSettings(prefix));
        settings.put("topics.partitions", "2");
        settings.put("metrics.interval.ms", "500");
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "1500");
        Path state = work.resolve("state");
        List<String> data = new ArrayList<>();
        for (String line : Files.readAllLines(ItEnv.reference().resolve("data/binary.jsonl"))) {
            if (!line.isBlank()) {
                data.add(line);
            }
        }

        ServiceProcess[] service = {ServiceProcess.run(bootstrap, prefix + "app", state, port, settings,
                work.resolve("service.log"))};
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(send("GET", base + "/health/ready", null).statusCode())
                            .isEqualTo(200));

            // 1. predictions over HTTP with ids, labels later: the first half with kcat, the rest over HTTP
            String web = "web";
            assertThat(send("PUT", base + "/models/" + web, SPEC).statusCode()).isEqualTo(202);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> send("GET", base + "/models/" + web, null).statusCode() == 200);
            List<String> events = new ArrayList<>();
            for (int i = 0; i < HTTP_EVENTS; i++) {
                String line = data.get(i % data.size());
                events.add(line);
                JsonNode e = Json.parse(line);
                ObjectNode req = Json.MAPPER.createObjectNode();
                req.put("id", "w" + i);
                req.set("features", e.get("features"));
                HttpResponse<String> r = send("POST", base + "/models/" + web + "/predict", Json.write(req));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(Json.parse(r.body()).get("modelVersion").asLong()).isEqualTo(1);
            }
            Path labels = work.resolve("labels.txt");
            List<String> keyed = new ArrayList<>();
            for (int i = 0; i < HTTP_EVENTS / 2; i++) {
                keyed.add(web + ":" + label("w" + i, events.get(i)));
            }
            Files.write(labels, keyed, StandardCharsets.UTF_8);
            Commands.Result kcat = Commands.run(List.of(Commands.onPath("kcat").orElseThrow().toString(), "-P", "-b",
                    bootstrap, "-t", topics.labels(), "-K:", "-X", "enable.idempotence=true",
                    // librdkafka hashes keys with CRC32 by default, Java clients with murmur2: the label must land
                    // on the partition of its model
                    "-X", "partitioner=murmur2_random"), labels, work, WAIT);
            assertThat(kcat.exitCode()).as("kcat -P: %s", kcat.stderr()).isZero();
            for (int i = HTTP_EVENTS / 2; i < HTTP_EVENTS; i++) {
                HttpResponse<String> r = send("POST", base + "/models/" + web + "/labels", label("w" + i,
                        events.get(i)));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            }
            assertThat(send("POST", base + "/models/" + web + "/labels", "{\"label\":1}").statusCode())
                    .isEqualTo(400);
            try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters());
                    TopicReader deadLetter = new TopicReader(bootstrap, topics.deadLetter())) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                    parameters.poll(Duration.ofMillis(100));
                    assertThat(deadLetter.poll(Duration.ofMillis(100))).as("dead letters").isEmpty();
                    JsonNode v = parameters.latest(web);
                    return v != null && v.path("seen").asLong() == HTTP_EVENTS;
                });
                JsonNode live = parameters.latest(web);
                JsonNode expected = Backtests.run(work.resolve("backtest-web"), web, SPEC, events,
                        "--label-delay", String.valueOf(HTTP_EVENTS)).get("model");
                ModelAssertions.assertSameModel(live, expected, "labels over kcat and HTTP vs backtest");
            }
            // the feedback figures over HTTP: the model's JSON, and Prometheus' own parser on /metrics
            JsonNode f = await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(
                    () -> Json.parse(send("GET", base + "/models/" + web, null).body()).path("feedback"),
                    v -> v.path("matched").asLong() == HTTP_EVENTS);
            assertThat(f.get("servedScored").asLong()).isEqualTo(HTTP_EVENTS);
            assertThat(f.get("servedLoss").asDouble()).isPositive();
            assertThat(f.get("delayP50Ms").asDouble()).isPositive().isLessThanOrEqualTo(
                    f.get("delayP99Ms").asDouble());
            List<JsonNode> samples = Prometheus.parse(send("GET", base + "/metrics", null).body());
            assertThat(Prometheus.value(samples, "streamlearn_model_served_loss", Map.of("model", web)))
                    .isCloseTo(f.get("servedLoss").asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-9));
            assertThat(Prometheus.value(samples, "streamlearn_model_label_delay_ms",
                    Map.of("model", web, "quantile", "0.99"))).isCloseTo(f.get("delayP99Ms").asDouble(),
                    org.assertj.core.data.Percentage.withPercentage(1e-9));
            assertThat(Prometheus.value(samples, "streamlearn_model_feedback", Map.of("model", web, "count",
                    "matched"))).isEqualTo(HTTP_EVENTS);
            assertThat(Prometheus.value(samples, "streamlearn_model_feedback", Map.of("model", web, "count",
                    "pending"))).isZero();

            // 2. PENDING predictions with ids through prediction-requests; kill -9 while pending, and again
            // while the labels are being learned
            String crash = "crash";
            List<String> many = new ArrayList<>();
            try (KafkaProducer<String, String> p = KafkaClients.producer(bootstrap)) {
                KafkaClients.send(p, topics.modelCommands(), crash, "{\"command\":\"upsert\",\"spec\":" + SPEC + "}");
                for (int i = 0; i < PENDING; i++) {
                    String line = data.get(i % data.size());
                    many.add(line);
                    p.send(new ProducerRecord<>(topics.predictionRequests(), crash,
                            "{\"id\":\"c" + i + "\",\"features\":" + Json.parse(line).get("features") + "}"));
                }
                p.flush();
            }
            try (TopicReader predictions = new TopicReader(bootstrap, topics.predictions())) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .failFast("the service exited", () -> !service[0].isAlive())
                        .until(() -> {
                            predictions.poll(Duration.ofMillis(200));
                            return predictions.records().stream().filter(r -> crash.equals(r.key())).count()
                                    >= PENDING;
                        });
            }
            service[0].kill();
            service[0] = ServiceProcess.run(bootstrap, prefix + "app", state, port, settings,
                    work.resolve("service.log"));
            try (KafkaProducer<String, String> p = KafkaClients.producer(bootstrap)) {
                for (int i = 0; i < PENDING / 2; i++) {
                    p.send(new ProducerRecord<>(topics.labels(), crash, label("c" + i, many.get(i))));
                }
                p.flush();
            }
            try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
                parameters.awaitLatest(crash, WAIT, s -> s.path("seen").asLong() >= PENDING / 4);
            }
            service[0].kill();
            service[0] = ServiceProcess.run(bootstrap, prefix + "app", state, port, settings,
                    work.resolve("service.log"));
            try (KafkaProducer<String, String> p = KafkaClients.producer(bootstrap)) {
                for (int i = PENDING / 2; i < PENDING; i++) {
                    p.send(new ProducerRecord<>(topics.labels(), crash, label("c" + i, many.get(i))));
                }
                p.flush();
            }
            try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
                JsonNode live = parameters.awaitLatest(crash, WAIT, s -> s.path("seen").asLong() == PENDING);
                JsonNode expected = Backtests.run(work.resolve("backtest-crash"), crash, SPEC, many,
                        "--label-delay", String.valueOf(PENDING)).get("model");
                ModelAssertions.assertSameModel(live, expected, "labels across two kill -9 vs backtest");
            }
            try (TopicReader metrics = new TopicReader(bootstrap, topics.modelMetrics())) {
                JsonNode m = metrics.awaitLatest(crash, WAIT,
                        v -> v.path("feedback").path("matched").asLong() == PENDING);
                assertThat(m.get("feedback").get("pending").asLong()).isZero();
                assertThat(m.get("feedback").get("rejected").asLong()).isZero();
            }
            try (TopicReader deadLetter = new TopicReader(bootstrap, topics.deadLetter())) {
                assertThat(deadLetter.readToEnd(Duration.ofSeconds(10))).as("dead letters").isEmpty();
            }
        } finally {
            service[0].close();
        }
    }

    private static String label(String id, String eventLine) {
        ObjectNode l = Json.MAPPER.createObjectNode();
        l.put("id", id);
        l.set("label", Json.parse(eventLine).get("label"));
        return Json.write(l);
    }

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
