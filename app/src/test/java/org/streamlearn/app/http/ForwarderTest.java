package org.streamlearn.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.streamlearn.store.json.Json;

/**
 * The forwarder between two local servers: a front that forwards every predict to an owner, which records
 * what reached it.
 */
class ForwarderTest {

    /** What reached the owner. */
    private record Seen(String method, String pathAndQuery, String contentType, String marker, byte[] body) {
    }

    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final Forwarder forwarder = new Forwarder(Duration.ofSeconds(2), Duration.ofSeconds(5), "front:1");
    private Transport owner;
    private Transport front;
    private volatile Owner target;

    @BeforeEach
    void start() throws Exception {
        owner = Transport.bind("127.0.0.1", 0, ex -> { // the owner: another instance's server
            byte[] body = ex.getRequestBody().readAllBytes();
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath() + "?"
                    + ex.getRequestURI().getRawQuery(), ex.getRequestHeaders().getFirst("Content-Type"),
                    ex.getRequestHeaders().getFirst(Forwarder.MARKER), body));
            byte[] answer = "{\"served\":\"owner\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(201, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        });
        owner.start();
        target = new Owner.Remote(new HostInfo("127.0.0.1", owner.port()));
        front = Transport.bind("127.0.0.1", 0, new Router().route("POST", "/models/{id}/predict",
                r -> forwarder.forward(r, target)));
        front.start();
    }

    @AfterEach
    void stop() {
        front.close();
        owner.close();
    }

    @Test
    void aForwardedRequestReachesTheOwnerIntactAndMarked() throws Exception {
        String body = "{\"id\":\"q\",\"features\":[1.5,-2,\"é\"]}";
        HttpResponse<String> r = post("/models/a%2Fb/predict?explain=true&x=%26", body, null);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("{\"served\":\"owner\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(seen).hasSize(1);
        Seen s = seen.peek();
        assertThat(s.method()).isEqualTo("POST");
        assertThat(s.pathAndQuery()).isEqualTo("/models/a%2Fb/predict?explain=true&x=%26");
        // the same media type; Jetty's parser hands a well-known content type on in its canonical spelling
        assertThat(s.contentType().replace(" ", "")).isEqualTo("application/json;charset=utf-8");
        assertThat(s.marker()).isEqualTo("front:1");
        assertThat(new String(s.body(), StandardCharsets.UTF_8)).isEqualTo(body);
    }

    @Test
    void anUnreachableOwnerGives503WithRetryAfter() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        target = new Owner.Remote(new HostInfo("127.0.0.1", closedPort));
        HttpResponse<String> r = post("/models/m1/predict", "{\"features\":[1]}", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(error(r).get("field").asText()).isEqualTo("service");
    }

    @Test
    void anUnknownOwnerGives503WithRetryAfter() throws Exception {
        target = new Owner.Unknown("rebalancing");
        HttpResponse<String> r = post("/models/m1/predict", "{\"features\":[1]}", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(error(r).get("reason").asText()).isEqualTo("rebalancing");
        assertThat(seen).isEmpty();
    }

    @Test
    void aRequestThatWasForwardedAlreadyIsNotForwardedAgain() throws Exception {
        HttpResponse<String> r = post("/models/m1/predict", "{\"features\":[1]}", "other:2");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(error(r).get("reason").asText()).contains("other:2");
        assertThat(seen).as("the owner was not asked").isEmpty();
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body()).get("error");
    }

    private HttpResponse<String> post(String rawPathAndQuery, String body, String marker) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port()
                + rawPathAndQuery)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (marker != null) {
            b.header(Forwarder.MARKER, marker);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
