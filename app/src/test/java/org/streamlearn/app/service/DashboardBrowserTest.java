package org.streamlearn.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.testing.Chromium;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.kafka.local.LocalKafkaBroker;
import org.streamlearn.store.json.Json;

/**
 * The dashboard of a model with challengers, a drift detector and feedback, on the service over a real broker,
 * fed the reference drift stream ({@code testdata/reference}, the concept changing after event 300):
 * {@code GET /models/{id}/history} has the loss of each candidate at the publishing cadence and the drift and
 * promotion records, and headless Chromium renders the candidates side by side, the loss chart with labelled
 * axes and a drift marker, the drift history, the weights as bars and the feedback figures (screenshot under
 * {@code target/}).
 */
class DashboardBrowserTest {

    private static final String MODEL = "drift1";
    private static final String SPEC = "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.001},\"metrics\":{\"window\":50,\"ewmaAlpha\":0.05},\"challengers\":[{\"name\":"
            + "\"adam\",\"spec\":{\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.1}}},{\"name\":\"tiny\",\"spec\":"
            + "{\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.0001}}}],\"promotion\":{\"minEvents\":100000,"
            + "\"checkEvery\":1000},\"drift\":{\"detector\":\"page_hinkley\",\"signal\":\"loss\",\"threshold\":20,"
            + "\"action\":\"promote\"},\"feedback\":{\"ttlMs\":3600000}}";
    private static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static HttpResponse<String> http(String method, String url, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDashboardShowsCandidatesLossChartDriftsWeightsAndFeedback(@TempDir Path state) throws Exception {
        ServiceConfig c = ConfigLoader.load(null, Map.of(), Map.of("bootstrap.servers", broker.bootstrapServers(),
                "application.id", "dash-app", "state.dir", state.toString(), "http.port", "0",
                "topics.partitions", "2", "metrics.every.events", "20", "metrics.interval.ms", "0"));
        List<String> events = Files.readAllLines(Reference.folder().resolve("data/drift.jsonl"));
        try (StreamlearnService s = new StreamlearnService(c).start()) {
            s.awaitRunning(Duration.ofSeconds(60));
            String base = "http://127.0.0.1:" + s.http().port();
            HttpResponse<String> put = http("PUT", base + "/models/" + MODEL, SPEC);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> http("GET", base + "/models/" + MODEL, null)
                    .statusCode() == 200);
            assertThat(http("GET", base + "/models/nope/history", null).statusCode()).isEqualTo(404);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                for (String e : events) {
                    producer.send(new ProducerRecord<>(c.topics().trainingEvents(), MODEL,
                            e.getBytes(StandardCharsets.UTF_8)));
                }
            }
            JsonNode[] history = new JsonNode[1];
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(Json.MAPPER.readTree(http("GET", base + "/models/" + MODEL, null).body()).path("seen")
                        .asLong()).isEqualTo(600);
                history[0] = Json.MAPPER.readTree(http("GET", base + "/models/" + MODEL + "/history", null).body());
                JsonNode points = history[0].path("points");
                assertThat(points.path(points.size() - 1).path("seen").asLong()).isEqualTo(600);
            });
            JsonNode h = history[0];
            assertThat(h.path("candidates").toString()).isEqualTo("[\"main\",\"adam\",\"tiny\"]");
            // every 20th of 600 events, but where the event changed the champion (its snapshot is published instead)
            long previous = 0;
            for (JsonNode p : h.path("points")) {
                assertThat(p.path("seen").asLong() % 20).as(p.toString()).isZero();
                assertThat(p.path("seen").asLong()).isGreaterThan(previous);
                assertThat(p.path("loss")).hasSize(3);
                previous = p.path("seen").asLong();
            }
            assertThat(h.path("points").size()).isBetween(25, 30);
            List<JsonNode> drifts = new ArrayList<>();
            h.path("events").forEach(e -> {
                if (e.path("type").asText().equals("drift")) {
                    drifts.add(e);
                }
            });
            assertThat(drifts).as(h.path("events").toString()).isNotEmpty();
            assertThat(drifts.get(drifts.size() - 1).path("seen").asLong()).as(drifts.toString()).isGreaterThan(300);
            assertThat(h.path("latest").path("feedback").has("pending")).isTrue();
            // a prediction served over HTTP with an id, then its label: the label delay and the served loss exist
            JsonNode last = Json.MAPPER.readTree(events.get(events.size() - 1));
            HttpResponse<String> predicted = http("POST", base + "/models/" + MODEL + "/predict",
                    "{\"id\":\"q1\",\"features\":" + last.get("features") + "}");
            assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> feedback(base).path("pending").asLong() == 1);
            HttpResponse<String> labelled = http("POST", base + "/models/" + MODEL + "/labels",
                    "{\"id\":\"q1\",\"label\":" + last.get("label") + "}");
            assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> feedback(base).has("delayP99Ms"));
            assertDashboard(base, drifts.size());
        }
    }

    private static JsonNode feedback(String base) throws Exception {
        return Json.MAPPER.readTree(http("GET", base + "/models/" + MODEL, null).body()).path("feedback");
    }

    private static void assertDashboard(String base, int drifts) throws Exception {
        if (!Chromium.available()) {
            return;
        }
        String dom = Chromium.dumpDom(base + "/");
        assertThat(dom).contains("<tr data-model=\"" + MODEL + "\"").contains("1 model(s)")
                .contains("<svg class=\"chart loss-chart\"").contains(">events seen</text>")
                .contains(">window loss</text>")
                .contains("<tr data-candidate=\"main\"").contains("<tr data-candidate=\"adam\"")
                .contains("<tr data-candidate=\"tiny\"").contains("<svg class=\"chart weights-chart\"")
                .contains(">weight</text>");
        for (String f : List.of("pending", "matched", "expired", "unknown", "delayP50Ms", "delayP99Ms", "servedLoss")) {
            assertThat(dom).as("feedback figure " + f).contains("<tr data-field=\"" + f + "\">");
        }
        assertThat(count(dom, "<g class=\"series\" data-series=\"")).isEqualTo(3);
        assertThat(count(dom, "<g class=\"marker drift\">")).isEqualTo(drifts);
        assertThat(count(dom, "<tr data-event=\"drift\">")).isEqualTo(drifts);
        assertThat(count(dom, "<rect x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"[0-9.]+\" height=\"[0-9.]+\" class=\"bar "))
                .as("one bar per weight").isEqualTo(3);
        Path png = Path.of("target", "dashboard-drift.png").toAbsolutePath();
        Chromium.screenshot(base + "/", png, 1280, 2200);
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(20_000);
        System.out.println("dashboard screenshot: " + png);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
