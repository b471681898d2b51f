package org.streamlearn.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.streamlearn.store.json.Json;

/** The router: the id decoded exactly once, 404, 405 with Allow, 400 for a path that cannot be decoded. */
class RouterTest {

    private final Router.Handler echo = r -> Responses.json(r.exchange(), 200,
            Json.MAPPER.createObjectNode().put("id", r.id()).put("method", r.method()).put("body", r.body().length));
    private final Router.Handler other = r -> Responses.json(r.exchange(), 200,
            Json.MAPPER.createObjectNode().put("other", true));
    private final Router router = new Router()
            .route("GET", "/models", other)
            .route("GET", "/models/{id}", echo)
            .route("DELETE", "/models/{id}", echo)
            .route("PUT", "/models/{id}", echo)
            .route("POST", "/models/{id}/predict", echo);
    private Transport transport;

    @BeforeEach
    void serve() throws Exception {
        transport = Transport.bind("127.0.0.1", 0, router);
        transport.start();
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "m1|m1",
        "a%2Fb|a/b",
        "a+b|a+b",
        "50%25|50%",
        "a%252Fb|a%2Fb",
        "%C3%A9t%C3%A9|été",
        "a%20b|a b"})
    void decodesTheIdExactlyOnce(String raw, String id) {
        assertThat(router.match("GET", "/models/" + raw)).isInstanceOfSatisfying(Router.Found.class,
                f -> assertThat(f.id()).isEqualTo(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%zz", "a%2", "a%", "%FF", "%C3", "%C3%28", "%ED%A0%80"})
    void aMalformedEscapeIsABadPath(String raw) {
        assertThat(router.match("GET", "/models/" + raw)).isInstanceOf(Router.BadPath.class);
        assertThatThrownBy(() -> Router.decode(raw)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Issue 15: the model-id rule of {@code ModelIds} applies to a path's id as to a record key. */
    @ParameterizedTest
    @ValueSource(strings = {"%00", "a%0Ab", "%7F", "%C2%85", "%EF%BF%BD"})
    void anIdThatBreaksTheModelIdRuleIsABadPath(String raw) {
        assertThat(router.match("GET", "/models/" + raw)).isInstanceOfSatisfying(Router.BadPath.class,
                b -> assertThat(b.reason()).startsWith("not a valid model id: "));
    }

    @Test
    void anIdOf256CharactersIsABadPathAnd255IsFound() {
        assertThat(router.match("GET", "/models/" + "x".repeat(255))).isInstanceOf(Router.Found.class);
        assertThat(router.match("GET", "/models/" + "x".repeat(256))).isInstanceOfSatisfying(Router.BadPath.class,
                b -> assertThat(b.reason()).contains("longer than 255 characters (256)"));
    }

    @Test
    void anUnknownPathIsNotFoundAndAKnownOneWithAnotherMethodIsNotAllowed() {
        assertThat(router.match("GET", "/nope")).isInstanceOf(Router.NotFound.class);
        assertThat(router.match("GET", "/models/")).isInstanceOf(Router.NotFound.class);
        assertThat(router.match("GET", "/models/m1/")).isInstanceOf(Router.NotFound.class);
        assertThat(router.match("GET", "/models/m1/other")).isInstanceOf(Router.NotFound.class);
        assertThat(router.match("POST", "/models/m1")).isEqualTo(new Router.NotAllowed(List.of("DELETE", "GET",
                "PUT")));
        assertThat(router.match("GET", "/models/m1/predict")).isEqualTo(new Router.NotAllowed(List.of("POST")));
        assertThat(router.match("GET", "/models")).isInstanceOfSatisfying(Router.Found.class,
                f -> assertThat(f.id()).isNull());
    }

    @Test
    void overHttpTheIdIsDecodedOnceAndTheBodyReadOnce() throws Exception {
        HttpResponse<String> r = send("POST", "/models/a%2Fb%2B50%25/predict", "{\"features\":[1]}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode j = Json.MAPPER.readTree(r.body());
        assertThat(j.get("id").asText()).isEqualTo("a/b+50%");
        assertThat(j.get("body").asInt()).isEqualTo(16);
        assertThat(Json.MAPPER.readTree(send("GET", "/models/a+b", null).body()).get("id").asText())
                .isEqualTo("a+b");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aBodyIsReadWholeWithOrWithoutContentLengthAndAnOversizeOneIs413(boolean chunked) throws Exception {
        for (int length : new int[] {0, 1, 100_000, Router.MAX_BODY_BYTES}) {
            HttpResponse<String> r = sendBody("/models/m/predict", "x".repeat(length), chunked);
            assertThat(r.statusCode()).as("%d bytes", length).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(r.body()).get("body").asInt()).isEqualTo(length);
        }
        HttpResponse<String> big = sendBody("/models/m/predict", "x".repeat(Router.MAX_BODY_BYTES + 1), chunked);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(error(big).get("field").asText()).isEqualTo("body");
    }

    @Test
    void overHttpErrorsAreJsonWith405AllowAnd404And400() throws Exception {
        HttpResponse<String> notAllowed = send("POST", "/models/m1", "{}");
        assertThat(notAllowed.statusCode()).isEqualTo(405);
        assertThat(notAllowed.headers().firstValue("Allow")).hasValue("DELETE, GET, PUT");
        assertThat(error(notAllowed).get("field").asText()).isEqualTo("method");
        HttpResponse<String> notFound = send("GET", "/elsewhere", null);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(error(notFound).get("field").asText()).isEqualTo("path");
        HttpResponse<String> bad = send("GET", "/models/%FF", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(error(bad).get("field").asText()).isEqualTo("path");
    }

    @Test
    void aHandlerFailureIsAJson500() throws Exception {
        router.route("GET", "/boom", r -> {
            throw new IllegalStateException("broken");
        });
        HttpResponse<String> r = send("GET", "/boom", null);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(error(r).get("reason").asText()).contains("broken");
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return Json.MAPPER.readTree(r.body()).get("error");
    }

    /** A POST with a {@code Content-Length}, or chunked (no length) when {@code chunked}. */
    private HttpResponse<String> sendBody(String rawPath, String body, boolean chunked) throws Exception {
        HttpRequest.BodyPublisher exact = HttpRequest.BodyPublishers.ofString(body);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + transport.port() + rawPath))
                .timeout(Duration.ofSeconds(10))
                .POST(chunked ? HttpRequest.BodyPublishers.fromPublisher(exact) : exact).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String rawPath, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + transport.port() + rawPath))
                .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }
}
