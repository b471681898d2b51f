package org.streamlearn.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * The dashboard of a model with challengers, a drift detector and feedback, on the service over a real broker,
 * fed the reference drift stream ({@code testdata/reference}, the concept changing after event 300):
 * {@code GET /models/{id}/history} has the loss of each candidate at the publishing cadence and the drift and
 * promotion records, {@code /metrics} counts them, a prediction over HTTP is the promoted champion's, the
 * page's assets are all the service's own, and headless Chromium renders the candidates side by side, the loss
 * chart with labelled axes and a drift marker, the drift history, the weights as bars and the feedback figures
 * (screenshot under {@code target/}).
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
            assertCounted(base, h.path("events"));
            // the label just learned may reach the answer before the committed snapshot: retried until both agree
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertServedByTheChampion(base));
            assertBundled(base);
            assertDashboard(base, drifts.size());
        }
    }

    /** {@code /metrics} counts every drift and promotion the model recorded (all of them are in its history). */
    private static void assertCounted(String base, JsonNode events) throws Exception {
        assertThat(events.size()).as("fewer than the history keeps").isLessThan(32);
        int drifts = 0;
        int promotions = 0;
        for (JsonNode e : events) {
            drifts += e.path("type").asText().equals("drift") ? 1 : 0;
            promotions += e.path("type").asText().equals("promotion") ? 1 : 0;
        }
        assertThat(promotions).as(events.toString()).isPositive();
        String metrics = http("GET", base + "/metrics", null).body();
        assertThat(metrics).contains("streamlearn_drifts_total " + (double) drifts)
                .contains("streamlearn_promotions_total " + (double) promotions);
    }

    /** {@code POST /models/{id}/predict} answers with the champion, a promoted challenger, not with main. */
    private static void assertServedByTheChampion(String base) throws Exception {
        ObjectNode snapshot = (ObjectNode) Json.MAPPER.readTree(http("GET", base + "/models/" + MODEL, null).body());
        snapshot.remove("feedback"); // the service's counters beside the snapshot
        ModelState model = JsonStateCodec.fromJson(snapshot);
        assertThat(model.championName()).isNotEqualTo("main");
        double[] x = {0.5, -1.25, 2.0};
        double champion = model.learner().predict(x).value();
        assertThat(model.candidate(0).predict(x).value()).isNotEqualTo(champion);
        HttpResponse<String> r = http("POST", base + "/models/" + MODEL + "/predict",
                "{\"features\":[0.5,-1.25,2.0]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode p = Json.MAPPER.readTree(r.body());
        assertThat(p.path("prediction").asDouble()).isEqualTo(champion);
        assertThat(p.path("modelVersion").asLong()).isEqualTo(model.version());
    }

    /**
     * The page and its assets are the service's own: each is served with a same-origin content security policy
     * (so the browser would load nothing from elsewhere) and names no other origin (the SVG namespace is an
     * identifier, not a request).
     */
    private static void assertBundled(String base) throws Exception {
        Pattern origin = Pattern.compile("(?i)(?:https?:)?//[a-z0-9-]+(?:\\.[a-z0-9-]+)+");
        for (String asset : List.of("/", "/dashboard.js", "/charts.js", "/dashboard.css")) {
            HttpResponse<String> r = http("GET", base + asset, null);
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(asset).hasValue("default-src 'self'");
            Matcher m = origin.matcher(r.body().replace("http://www.w3.org/2000/svg", ""));
            assertThat(m.find() ? m.group() : null).as(asset + " names another origin").isNull();
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
