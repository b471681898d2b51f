package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.streams.ModelStoreType;
import org.streamlearn.app.streams.Outputs;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.Prediction;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * The HTTP API (JDK {@code HttpServer}):
 * <ul>
 * <li>{@code GET /health}: the Kafka Streams state;</li>
 * <li>{@code GET /models/{id}}: the model's snapshot (JSON, as on {@code model-parameters}), as of its last
 * commit;</li>
 * <li>{@code POST /models/{id}/predict} with {@code {"id"?, "features": …}}: a prediction, as on
 * {@code predictions};</li>
 * <li>{@code PUT /models/{id}} with a spec: validated, then sent as an {@code upsert} command (202);</li>
 * <li>{@code POST /models/{id}/reset}, {@code DELETE /models/{id}}: the other commands (202).</li>
 * </ul>
 * Reads are interactive queries routed to the instance that owns the key (Kafka Streams metadata; proxied when
 * it is another instance). Errors are JSON {@code {"error": {"field", "reason"}}} with 400, 404 or 503.
 */
public final class HttpApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceConfig config;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Cached> decoded = new ConcurrentHashMap<>();
    private volatile KafkaStreams streams;
    private volatile KafkaProducer<String, byte[]> producer;

    /** A decoded snapshot with its encoder; predictions on it are serialized by locking it. */
    private record Cached(long version, ModelState state, ExampleEncoder encoder) {
    }

    private HttpApi(ServiceConfig config, HttpServer server) {
        this.config = config;
        this.server = server;
        server.createContext("/health", this::health);
        server.createContext("/models/", this::models);
        server.createContext("/models", this::list);
        server.createContext("/", this::dashboard);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "streamlearn-http");
            t.setDaemon(true);
            return t;
        }));
    }

    /** Binds the server (port 0: a free port); call {@link #attach} and {@link #start} next. */
    public static HttpApi create(ServiceConfig config) {
        try {
            return new HttpApi(config, HttpServer.create(new InetSocketAddress(config.httpHost(),
                    config.httpPort()), 64));
        } catch (IOException e) {
            throw new IllegalStateException("http.port: cannot listen on " + config.httpHost() + ":"
                    + config.httpPort() + ": " + e.getMessage(), e);
        }
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The Kafka Streams instance to query. */
    public void attach(KafkaStreams s) {
        this.streams = s;
    }

    /** Starts serving. */
    public void start() {
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }

    private void health(HttpExchange ex) throws IOException {
        KafkaStreams s = streams;
        ObjectNode o = JSON.createObjectNode();
        o.put("state", s == null ? "STARTING" : s.state().name());
        send(ex, s != null && s.state() == KafkaStreams.State.RUNNING ? 200 : 503, o);
    }

    /** {@code GET /}: the live dashboard (a static page polling {@code GET /models}). */
    private void dashboard(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/") || !ex.getRequestMethod().equals("GET")) {
            error(ex, 404, "path", "no such resource: " + ex.getRequestURI().getPath());
            return;
        }
        byte[] page;
        try (InputStream in = HttpApi.class.getResourceAsStream("/dashboard.html")) {
            page = in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(200, page.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(page);
        }
    }

    /**
     * {@code GET /models}: every model of this instance's tasks, as of their last commit: id, version, seen,
     * updates, rolling loss and progressive metric (the {@code model-metrics} shape).
     */
    private void list(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/models")) {
            models(ex);
            return;
        }
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            error(ex, 503, "service", "not running yet (" + (s == null ? "starting" : s.state()) + ")");
            return;
        }
        ModelStoreType.View view = s.store(StoreQueryParameters.fromNameAndType(TopologyFactory.STORE,
                new ModelStoreType()));
        var arr = JSON.createArrayNode();
        for (Map.Entry<String, byte[]> e : view.all().entrySet()) {
            ModelState m = BinaryStateCodec.decode(e.getValue());
            ObjectNode o = Outputs.metrics(m, m.updatedAtMs());
            o.put("task", m.spec().task().logicalName());
            o.put("optimizer", m.spec().optimizer().type());
            arr.add(o);
        }
        byte[] body = JSON.writeValueAsBytes(arr);
        sendBytes(ex, 200, body);
    }

    private void models(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath().substring("/models/".length());
            String[] parts = path.split("/");
            String id = java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            String method = ex.getRequestMethod();
            if (id.isEmpty()) {
                error(ex, 404, "path", "expected /models/{id}");
            } else if (parts.length == 1 && method.equals("GET")) {
                routed(ex, id, () -> snapshot(ex, id));
            } else if (parts.length == 2 && parts[1].equals("predict") && method.equals("POST")) {
                byte[] body = read(ex.getRequestBody());
                routed(ex, id, () -> predict(ex, id, body));
            } else if (parts.length == 1 && method.equals("PUT")) {
                upsert(ex, id, read(ex.getRequestBody()));
            } else if (parts.length == 2 && parts[1].equals("reset") && method.equals("POST")) {
                command(ex, id, "{\"command\":\"reset\"}");
            } else if (parts.length == 1 && method.equals("DELETE")) {
                command(ex, id, "{\"command\":\"delete\"}");
            } else {
                error(ex, 405, "method", method + " " + ex.getRequestURI().getPath() + " is not supported");
            }
        } catch (RuntimeException e) {
            error(ex, 500, "server", String.valueOf(e.getMessage()));
        }
    }

    private interface Local {
        void run() throws IOException;
    }

    private void routed(HttpExchange ex, String id, Local local) throws IOException {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            error(ex, 503, "service", "not running yet (" + (s == null ? "starting" : s.state()) + ")");
            return;
        }
        KeyQueryMetadata md = s.queryMetadataForKey(TopologyFactory.STORE, id, new StringSerializer());
        if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            error(ex, 503, "service", "the owner of model '" + id + "' is not known yet (rebalancing)");
            return;
        }
        HostInfo owner = md.activeHost();
        if (owner.port() == port() && (owner.host().equals(config.httpHost()) || owner.host().equals("localhost"))) {
            local.run();
            return;
        }
        proxy(ex, owner);
    }

    private void proxy(HttpExchange ex, HostInfo owner) throws IOException {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + ex.getRequestURI());
        byte[] body = ex.getRequestMethod().equals("GET") ? new byte[0] : read(ex.getRequestBody());
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json").build();
        try {
            HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(ex, 503, "service", "interrupted while asking " + owner);
        }
    }

    private Cached load(String id) {
        ModelStoreType.View view = streams.store(StoreQueryParameters.fromNameAndType(TopologyFactory.STORE,
                new ModelStoreType()));
        byte[] bytes = view.get(id);
        if (bytes == null) {
            decoded.remove(id);
            return null;
        }
        long version = BinaryStateCodec.peekVersion(bytes);
        Cached c = decoded.get(id);
        if (c == null || c.version() != version) {
            ModelState s = BinaryStateCodec.decode(bytes);
            c = new Cached(version, s, new ExampleEncoder(s.spec()));
            decoded.put(id, c);
        }
        return c;
    }

    private void snapshot(HttpExchange ex, String id) throws IOException {
        Cached c = load(id);
        if (c == null) {
            error(ex, 404, "model", "unknown model '" + id + "'");
            return;
        }
        byte[] json;
        synchronized (c) {
            json = JsonStateCodec.toBytes(c.state());
        }
        sendBytes(ex, 200, json);
    }

    private void predict(HttpExchange ex, String id, byte[] body) throws IOException {
        ParsedEvent e;
        try {
            e = EventParser.parseRequest(body);
        } catch (InvalidEventException err) {
            error(ex, 400, err.field(), err.getMessage());
            return;
        }
        Cached c = load(id);
        if (c == null) {
            error(ex, 404, "model", "unknown model '" + id + "'");
            return;
        }
        Prediction p;
        synchronized (c) {
            try {
                p = c.state().learner().predict(c.encoder().features(e));
            } catch (InvalidEventException err) {
                error(ex, 400, err.field(), err.getMessage());
                return;
            } catch (InvalidExampleException err) {
                error(ex, 400, err.field(), err.getMessage());
                return;
            }
        }
        send(ex, 200, Outputs.prediction(e.id(), c.state(), p, System.currentTimeMillis()));
    }

    private void upsert(HttpExchange ex, String id, byte[] body) throws IOException {
        ObjectNode cmd = JSON.createObjectNode();
        cmd.put("command", "upsert");
        try {
            cmd.set("spec", ModelSpecs.toJson(ModelSpecs.parse(new String(body, StandardCharsets.UTF_8))));
        } catch (SpecException e) {
            error(ex, 400, e.field().isEmpty() ? "spec" : e.field(), e.getMessage());
            return;
        }
        command(ex, id, cmd.toString());
    }

    private void command(HttpExchange ex, String id, String json) throws IOException {
        try {
            producer().send(new ProducerRecord<>(config.topics().modelCommands(), id,
                    json.getBytes(StandardCharsets.UTF_8))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(ex, 503, "service", "interrupted");
            return;
        } catch (java.util.concurrent.ExecutionException e) {
            error(ex, 503, "kafka", "could not send the command: " + e.getCause().getMessage());
            return;
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("model", id);
        o.put("accepted", JSON.readTree(json).get("command").asText());
        send(ex, 202, o);
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readNBytes(1 << 20);
        }
    }

    private static void error(HttpExchange ex, int status, String field, String reason) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode e = o.putObject("error");
        e.put("field", field);
        e.put("reason", reason);
        send(ex, status, o);
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        sendBytes(ex, status, JSON.writeValueAsBytes(body));
    }

    private static void sendBytes(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
