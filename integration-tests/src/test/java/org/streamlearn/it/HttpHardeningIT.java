package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.testing.Chromium;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Json;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.Prometheus;
import org.streamlearn.it.support.TestIds;

/**
 * The HTTP API of a real service process ({@code java -jar streamlearn.jar run} with a bearer token and a 3 s
 * request timeout) on a real broker, as a client and an attacker meet it: the token, slow clients, oversize
 * bodies, the model cache's stale sequence, an XSS model id in the dashboard (headless Chromium), and
 * {@code GET /metrics} parsed with Prometheus' own parser while events, dead letters and requests happen.
 */
@ExtendWith(KafkaFixture.class)
class HttpHardeningIT {

    private static final String TOKEN = "it-s3cret-token";
    private static final int REQUEST_TIMEOUT_S = 3;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String bootstrap;
    private static Topics topics;
    private static Process service;
    private static Path log;
    private static String base;

    @BeforeAll
    static void startService(KafkaCluster cluster) throws Exception {
        bootstrap = cluster.bootstrapServers();
        String prefix = TestIds.prefix("http");
        topics = TestIds.topics(prefix);
        int port = ItEnv.freePort();
        Path dir = ItEnv.workDir("http-hardening");
        log = dir.resolve("service.log");
        List<String> cmd = new ArrayList<>(List.of(ItEnv.java(), "-Xmx384m", "-XX:+UseSerialGC", "-jar",
                ItEnv.streamlearnJar().toString(), "run", "--bootstrap-servers", bootstrap, "--application-id",
                prefix + "app", "--state-dir", Files.createTempDirectory(dir, "state").toString(), "--partitions", "2",
                "--http-port", String.valueOf(port), "--set", "http.auth.token=" + TOKEN,
                "--set", "http.request.timeout.ms=" + REQUEST_TIMEOUT_S * 1000, "--set", "metrics.models.max=2",
                "--set", "commit.interval.ms=100"));
        TestIds.topicSettings(prefix).forEach((k, v) -> {
            cmd.add("--set");
            cmd.add(k + "=" + v);
        });
        service = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200));
    }

    @AfterAll
    static void stopService() throws Exception {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> authed(String method, String path, String body) throws Exception {
        return send(method, path, body, TOKEN);
    }

    private static String path(String modelId) {
        return "/models/" + URLEncoder.encode(modelId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void produce(String model, int n, int dim) {
        try (KafkaProducer<String, String> p = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < n; i++) {
                StringBuilder f = new StringBuilder();
                double label = 0.5;
                for (int j = 0; j < dim; j++) {
                    double x = Math.sin(i * (j + 1.0));
                    f.append(j == 0 ? "" : ",").append(x);
                    label += (j + 1) * x;
                }
                p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.trainingEvents(), model,
                        "{\"features\":[" + f + "],\"label\":" + label + "}"));
            }
            p.flush();
        }
    }

    @Test
    void everyEndpointButHealthAndMetricsNeedsTheToken() throws Exception {
        HttpResponse<String> none = send("GET", "/models", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(Json.parse(none.body()).get("error").get("field").asText()).isEqualTo("Authorization");
        HttpResponse<String> wrong = send("PUT", "/models/a", "{}", "not-" + TOKEN);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
        assertThat(send("DELETE", "/models/a", null, null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/models/a/predict", "{\"features\":[1]}", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
        assertThat(authed("GET", "/models", null).statusCode()).isEqualTo(200);
        assertThat(authed("GET", "/models/nope", null).statusCode()).isEqualTo(404);
    }

    @Test
    void anOversizeBodyIs413() throws Exception {
        HttpResponse<String> r = authed("PUT", "/models/big", "x".repeat((1 << 20) + 1));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Json.parse(r.body()).get("error").get("field").asText()).isEqualTo("body");
    }

    /**
     * Four slowloris connections (incomplete headers; a body at one byte per 2 s; a Content-Length larger than the
     * body; headers that never end) do not block {@code /health}, and the server cuts each within the request
     * timeout (plus the JDK timer's tick and a margin for a loaded machine).
     */
    @Test
    void slowClientsDoNotBlockHealthAndAreCutAfterTheTimeout() throws Exception {
        List<Socket> slow = new ArrayList<>();
        long opened = System.nanoTime();
        slow.add(open("GET /models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n"));
        String auth = "Authorization: Bearer " + TOKEN + "\r\n";
        slow.add(open("PUT /models/s HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 40\r\n\r\n{"));
        slow.add(open("PUT /models/s HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 100000\r\n\r\n{\"t\":1}"));
        slow.add(open("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: "));
        Thread drip = new Thread(() -> {
            try {
                OutputStream out = slow.get(1).getOutputStream();
                for (int i = 0; i < 30; i++) {
                    Thread.sleep(2000); // the slow client's pace, not a synchronisation
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // cut by the server, as expected
            }
        }, "slow-body");
        drip.setDaemon(true);
        drip.start();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        }
        for (Socket s : slow) {
            assertThat(cutOff(s)).as("the server closes a slow connection").isTrue();
        }
        Duration all = Duration.ofNanos(System.nanoTime() - opened);
        assertThat(all).as("all four cut within the timeout and a margin").isLessThan(
                Duration.ofSeconds(REQUEST_TIMEOUT_S + 8));
        drip.interrupt();
    }

    private static Socket open(String partial) throws IOException {
        Socket s = new Socket("127.0.0.1", URI.create(base).getPort());
        s.setSoTimeout((REQUEST_TIMEOUT_S + 10) * 1000);
        s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** True when the server ends the connection (EOF or reset) before the socket's read timeout. */
    private static boolean cutOff(Socket s) throws IOException {
        try (s; InputStream in = s.getInputStream()) {
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // a 408-style answer, if any, is read and ignored: what matters is that the connection ends
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the server
        }
    }

    /** PUT A, GET, DELETE, PUT B, GET: the second GET answers B, never the cached A. */
    @Test
    void theModelCacheNeverServesADeletedModel() throws Exception {
        String id = "stale-" + Long.toHexString(System.nanoTime());
        String specA = "{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.05}}";
        String specB = "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.05}}";
        assertThat(authed("PUT", path(id), specA).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> r = authed("GET", path(id), null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Json.parse(r.body()).get("spec").get("features").asInt()).isEqualTo(2);
        });
        assertThat(authed("POST", path(id) + "/predict", "{\"features\":[1,2]}").statusCode()).isEqualTo(200);
        assertThat(authed("DELETE", path(id), null).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(authed("GET", path(id), null).statusCode()).isEqualTo(404));
        assertThat(authed("PUT", path(id), specB).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> r = authed("GET", path(id), null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Json.parse(r.body()).get("spec").get("features").asInt()).isEqualTo(3);
        });
        HttpResponse<String> p = authed("POST", path(id) + "/predict", "{\"features\":[1,2,3]}");
        assertThat(p.statusCode()).as(p.body()).isEqualTo(200);
        assertThat(authed("POST", path(id) + "/predict", "{\"features\":[1,2]}").statusCode()).isEqualTo(400);
    }

    /** A model id that is HTML with a script handler is shown as text by the dashboard, and nothing runs. */
    @Test
    void theDashboardShowsAnHtmlModelIdAsTextAndRunsNoScript() throws Exception {
        String id = "<img src=x onerror=\"document.body.setAttribute('data-xss','ran')\">";
        assertThat(authed("PUT", path(id), "{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"sgd\","
                + "\"learningRate\":0.05}}").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(authed("GET", path(id), null).statusCode()).isEqualTo(200));
        assertThat(Chromium.available()).isTrue();
        String dom = Chromium.dumpDom(base + "/#token=" + TOKEN);
        assertThat(dom).as("the row is rendered, the id as text").contains("&lt;img src=x onerror=")
                .contains("model(s)");
        assertThat(dom).as("no element was made of the id").doesNotContain("<img");
        assertThat(dom).as("its handler never ran").doesNotContain("data-xss=\"ran\"");
    }

    /** Every sample of {@code /metrics}, as Prometheus' own parser reads it. */
    private static List<JsonNode> scrape() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return Prometheus.parse(r.body());
    }

    private static double value(List<JsonNode> samples, String name, Map<String, String> labels) {
        return Prometheus.value(samples, name, labels);
    }

    @Test
    void metricsAreValidPrometheusAndMoveWithEventsDeadLettersAndRequests() throws Exception {
        List<JsonNode> before = scrape();
        assertThat(before).anySatisfy(s -> assertThat(s.get("name").asText()).startsWith("kafka_stream_"));
        assertThat(before).anySatisfy(s -> assertThat(s.get("name").asText()).startsWith("jvm_memory_used"));
        assertThat(before).anySatisfy(s -> assertThat(s.get("name").asText()).startsWith("process_cpu"));
        double learned0 = value(before, "streamlearn_events_total", Map.of("outcome", "learned"));
        double rejected0 = value(before, "streamlearn_events_total", Map.of("outcome", "rejected"));
        double label0 = value(before, "streamlearn_dead_letters_total", Map.of("reason", "label"));
        value(before, "streamlearn_refused_steps_total", Map.of());
        Map<String, String> modelsRoute = Map.of("route", "/models", "method", "GET", "status", "200");
        authed("GET", "/models", null);
        send("GET", "/models", null, null);
        String m = "metrics-" + Long.toHexString(System.nanoTime());
        produce(m, 300, 2);
        try (KafkaProducer<String, String> p = KafkaClients.producer(bootstrap)) {
            KafkaClients.send(p, topics.trainingEvents(), m, "{\"features\":[1,2],\"label\":\"high\"}");
            KafkaClients.send(p, topics.trainingEvents(), m, "{\"features\":[1,2],\"label\":null}");
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<JsonNode> now = scrape();
            assertThat(value(now, "streamlearn_events_total", Map.of("outcome", "learned")) - learned0)
                    .isEqualTo(300.0);
            assertThat(value(now, "streamlearn_events_total", Map.of("outcome", "rejected")) - rejected0)
                    .isEqualTo(2.0);
            assertThat(value(now, "streamlearn_dead_letters_total", Map.of("reason", "label")) - label0)
                    .isEqualTo(2.0);
        });
        for (int i = 0; i < 3; i++) {
            authed("GET", "/models", null);
        }
        List<JsonNode> after = scrape();
        assertThat(value(after, "streamlearn_http_server_requests_seconds_count", modelsRoute)).isGreaterThanOrEqualTo(4);
        assertThat(after).anySatisfy(s -> {
            assertThat(s.get("name").asText()).isEqualTo("streamlearn_http_server_requests_seconds_bucket");
            assertThat(s.get("labels").get("route").asText()).isEqualTo("/models");
        });
        assertThat(value(after, "streamlearn_http_server_requests_seconds_count",
                Map.of("route", "/models", "status", "401"))).as("unauthenticated requests are timed too")
                .isGreaterThanOrEqualTo(1);
        assertThat(value(after, "streamlearn_models", Map.of())).isGreaterThanOrEqualTo(1);
        long perModel = after.stream().filter(s -> s.get("name").asText().equals("streamlearn_model_seen")).count();
        assertThat(perModel).as("per-model series for at most metrics.models.max=2 models").isBetween(1L, 2L);
        assertThat(value(after, "streamlearn_model_seen", Map.of("model", m))).isEqualTo(300.0);
        assertThat(value(after, "streamlearn_model_loss", Map.of("model", m, "stat", "ewma"))).isPositive();
    }
}
