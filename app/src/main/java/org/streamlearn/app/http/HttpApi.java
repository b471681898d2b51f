package org.streamlearn.app.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.metrics.ServiceMetrics;

/**
 * The HTTP API, wired from its parts:
 * <ul>
 * <li>{@code GET /health/live}, {@code GET /health/ready} (alias {@code GET /health}): liveness, and readiness
 * (RUNNING, local stores queryable) ({@link HealthHandler});</li>
 * <li>{@code GET /models?limit=&after=}: the models of the whole cluster, paged, fanned out to every instance
 * ({@link ModelsHandler});</li>
 * <li>{@code GET /models/{id}}: the model's snapshot, as of its last commit; {@code PUT /models/{id}} a spec
 * (an {@code upsert} command, 202); {@code POST /models/{id}/reset}, {@code DELETE /models/{id}}: the other
 * commands ({@link ModelHandler}, {@link CommandClient});</li>
 * <li>{@code GET /models/{id}/history}: the model's recent loss per candidate and drift/promotion records, kept
 * in memory by the instance that owns it ({@link HistoryHandler});</li>
 * <li>{@code POST /models/{id}/predict} with {@code {"id"?, "features": …}}: a prediction ({@link PredictHandler});</li>
 * <li>{@code GET /metrics}: Prometheus metrics ({@link MetricsHandler});</li>
 * <li>{@code GET /}: the live dashboard ({@link DashboardHandler}).</li>
 * </ul>
 * Every request passes {@link Access} (bearer token, writes on a non-loopback bind) and is timed.
 * The {@link Router} matches and decodes; every request for one model is served by the instance that owns it
 * ({@link MetadataService}, {@link ModelRoutes}) and forwarded to it otherwise ({@link Forwarder}), reads from a
 * local standby while the owner is unavailable; decoded snapshots are kept in a
 * {@link ModelCache}; the server itself is set up by {@link Transport}. Errors are JSON
 * {@code {"error": {"field", "reason"}}}.
 */
public final class HttpApi implements AutoCloseable {

    /** Decoded models kept for serving. */
    static final int CACHED_MODELS = 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Transport transport;
    private final MetadataService metadata;
    private final CommandClient commands;
    private final ServiceMetrics ownMetrics;

    private HttpApi(ServiceConfig config, Transport transport, Router router, ServiceMetrics metrics,
            boolean ownsMetrics) {
        this.ownMetrics = ownsMetrics ? metrics : null;
        this.transport = transport;
        this.metadata = new MetadataService(MetadataService.advertised(config.cluster().advertisedUrl(),
                config.httpHost(), transport.port()));
        this.commands = new CommandClient(config.kafkaClients(), config.topics().modelCommands());
        LocalModels models = new LocalModels(metadata, new ModelCache(CACHED_MODELS));
        Forwarder forwarder = new Forwarder(CONNECT_TIMEOUT, READ_TIMEOUT,
                metadata.self().host() + ":" + metadata.self().port());
        ModelRoutes routes = new ModelRoutes(metadata, forwarder, models, config.cluster().maxLagRecords());
        HealthHandler health = new HealthHandler(metadata, models);
        ModelsHandler list = new ModelsHandler(models, metadata, CONNECT_TIMEOUT, READ_TIMEOUT);
        ModelHandler model = new ModelHandler(commands, config.modelLimits(), models);
        PredictHandler predict = new PredictHandler(commands, config.topics().predictionLog());
        FeedbackHandler feedback = new FeedbackHandler(commands, config.topics().labels());
        MetricsHandler prometheus = new MetricsHandler(metrics, models);
        HistoryHandler history = new HistoryHandler(metrics.history());
        router.guard(new Access(config.http(), config.httpHost()));
        router.route("GET", "/metrics", prometheus::get);
        router.route("GET", "/health", health::ready)
                .route("GET", "/health/ready", health::ready)
                .route("GET", "/health/live", health::live)
                .route("GET", "/models", list::list)
                .route("GET", "/models/{id}", routes.read(model::snapshot))
                .route("GET", "/models/{id}/history", routes.read(history::get))
                .route("PUT", "/models/{id}", routes.write(model::upsert))
                .route("DELETE", "/models/{id}", routes.write(model::delete))
                .route("POST", "/models/{id}/reset", routes.write(model::reset))
                .route("POST", "/models/{id}/predict", routes.read(predict::predict))
                .route("POST", "/models/{id}/labels", routes.write(feedback::label));
        for (Map.Entry<String, String> a : DashboardHandler.ASSETS.entrySet()) {
            router.route("GET", a.getKey(), new DashboardHandler(a.getValue())::get);
        }
    }

    /**
     * Binds the server (port 0: a free port) with metrics of its own; call {@link #attach} and {@link #start}
     * next.
     */
    public static HttpApi create(ServiceConfig config) {
        return create(config, new ServiceMetrics(config.http().metricsModelsMax()), true);
    }

    /** Binds the server (port 0: a free port), serving {@code metrics}; call {@link #attach} and {@link #start} next. */
    public static HttpApi create(ServiceConfig config, ServiceMetrics metrics) {
        return create(config, metrics, false);
    }

    private static HttpApi create(ServiceConfig config, ServiceMetrics metrics, boolean ownsMetrics) {
        Router router = new Router();
        Transport transport;
        try {
            transport = Transport.bind(config.httpHost(), config.httpPort(), config.http(),
                    MetricsHandler.timed(metrics, router));
        } catch (IOException e) {
            throw new IllegalStateException("http.port: cannot listen on " + config.httpHost() + ":"
                    + config.httpPort() + ": " + e.getMessage(), e);
        }
        return new HttpApi(config, transport, router, metrics, ownsMetrics);
    }

    /** The bound port. */
    public int port() {
        return transport.port();
    }

    /** Who owns which model, and which instances exist. */
    public MetadataService metadata() {
        return metadata;
    }

    /** The Kafka Streams instance to query. */
    public void attach(KafkaStreams s) {
        metadata.attach(s);
    }

    /** Starts serving. */
    public void start() {
        transport.start();
    }

    @Override
    public void close() {
        transport.close();
        commands.close();
        if (ownMetrics != null) {
            ownMetrics.close();
        }
    }
}
