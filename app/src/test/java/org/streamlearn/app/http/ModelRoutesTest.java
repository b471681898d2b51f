package org.streamlearn.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.streamlearn.store.json.Json;

/**
 * The routes of one model while no owner is known (Kafka Streams not running): every method answers 503 with
 * {@code Retry-After} and a JSON reason, never a 500 or an empty reply, and nothing is served locally.
 */
class ModelRoutesTest {

    private final AtomicInteger servedLocally = new AtomicInteger();
    private Transport front;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        MetadataService metadata = new MetadataService(new HostInfo("127.0.0.1", 1));
        ModelRoutes routes = new ModelRoutes(metadata, new Forwarder(Duration.ofSeconds(1), Duration.ofSeconds(2),
                "front"), new LocalModels(metadata, new ModelCache(4)), 10_000);
        Router.Handler write = routes.write(r -> servedLocally.incrementAndGet());
        ModelRoutes.Read read = (r, source) -> servedLocally.incrementAndGet();
        front = Transport.bind("127.0.0.1", 0, new Router()
                .route("GET", "/models/{id}", routes.read(read))
                .route("POST", "/models/{id}/predict", routes.read(read))
                .route("PUT", "/models/{id}", write)
                .route("DELETE", "/models/{id}", write)
                .route("POST", "/models/{id}/reset", write));
        front.start();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stop() {
        front.close();
    }

    @Test
    void withoutAnOwnerEveryMethodIs503WithRetryAfter() throws Exception {
        for (List<String> call : List.of(List.of("GET", "/models/m"), List.of("POST", "/models/m/predict"),
                List.of("PUT", "/models/m"), List.of("DELETE", "/models/m"), List.of("POST", "/models/m/reset"))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + front.port() + call.get(1))).timeout(Duration.ofSeconds(10)).method(call.get(0),
                            HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(call.toString()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).as(call.toString()).hasValue("1");
            assertThat(Json.MAPPER.readTree(r.body()).path("error").path("reason").asText()).as(call.toString())
                    .contains("not running yet");
        }
        assertThat(servedLocally).hasValue(0);
    }
}
