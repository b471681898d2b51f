package org.streamlearn.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.streamlearn.app.streams.TrainingMetrics;

/**
 * The service's meters, registered once at start-up in one Prometheus registry:
 * <ul>
 * <li>{@code streamlearn_events_total{outcome="learned|refused|rejected|spread"}}: training events by what
 * became of them (a replicated model's event is counted {@code spread} when the training processor forwards it
 * to a replica, and again when the replica learns or rejects it); {@code streamlearn_dead_letters_total{reason}}: dead letters by a bounded {@link #REASONS category}
 * of the field they name; {@code streamlearn_refused_steps_total}: steps refused by the divergence guard. The
 * training processor increments counters held in fields, never looked up by name;</li>
 * <li>{@code streamlearn_models}: models in this instance's stores, and
 * {@code streamlearn_model_loss{model, stat="mean|ewma|window"}}, {@code streamlearn_model_seen{model}} for the
 * at most {@code metrics.models.max} models that have seen the most events, and for those of them with feedback
 * (DESIGN.md "Delayed labels") {@code streamlearn_model_served_loss{model}} (the mean loss of the served
 * predictions scored against their label), {@code streamlearn_model_label_delay_ms{model,
 * quantile="0.5|0.99"}} and {@code streamlearn_model_feedback{model,
 * count="pending|matched|expired|unknown|rejected|notRemembered"}}, all refreshed on each scrape
 * ({@link #refreshModels});</li>
 * <li>not a meter: the {@link ModelHistory} of the published {@code model-metrics} and {@code model-events}
 * records, for the dashboard;</li>
 * <li>{@code streamlearn_http_server_requests_seconds{route, method, status}}: HTTP latency as a histogram;</li>
 * <li>Kafka Streams' metrics ({@code kafka_stream_*}, Micrometer's {@link KafkaStreamsMetrics}), and the JVM's
 * and the process's ({@code jvm_*}, {@code process_*}, {@code system_*}).</li>
 * </ul>
 */
public final class ServiceMetrics implements TrainingMetrics, AutoCloseable {

    /** The dead-letter reason categories: a field's first segment when it is one of these, else {@code other}. */
    public static final List<String> REASONS = List.of("key", "model", "event", "features", "label", "weight", "id",
            "command", "spec", "gradient", "snapshot", "replicas", "other");

    /**
     * One model's figures for the per-model series; the feedback figures are NaN for a model without feedback
     * or before its first label (no series then), its {@code counts} null for a model without feedback.
     */
    public record ModelFigures(String model, long seen, double lossMean, double lossEwma, double lossWindow,
            double servedLoss, double delayP50Ms, double delayP99Ms, FeedbackCounts counts) {

        /** Figures of a model without feedback. */
        public ModelFigures(String model, long seen, double lossMean, double lossEwma, double lossWindow) {
            this(model, seen, lossMean, lossEwma, lossWindow, Double.NaN, Double.NaN, Double.NaN, null);
        }
    }

    /**
     * A model's delayed-label counts (its {@code feedback} object's): predictions pending, labels matched,
     * predictions expired, labels unknown and rejected (unknown included), predictions not remembered.
     */
    public record FeedbackCounts(long pending, long matched, long expired, long unknown, long rejected,
            long notRemembered) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter learned;
    private final Counter refused;
    private final Counter rejected;
    private final Counter spread;
    private final Counter refusedSteps;
    private final Counter drifts;
    private final Counter promotions;
    private final Map<String, Counter> deadLetters;
    private final Counter otherDeadLetters;
    private final Counter labelsMatched;
    private final Counter labelsRejected;
    private final Counter expired;
    private final AtomicLong models = new AtomicLong();
    private final MultiGauge modelLoss;
    private final MultiGauge modelSeen;
    private final MultiGauge servedLoss;
    private final MultiGauge labelDelay;
    private final MultiGauge feedbackCounts;
    private final int maxModels;
    private final ModelHistory history = new ModelHistory();
    private final Map<String, Timer> http = new ConcurrentHashMap<>();
    private KafkaStreamsMetrics streams;

    /** The meters, with per-model series for at most {@code maxModels} models. */
    public ServiceMetrics(int maxModels) {
        this.maxModels = maxModels;
        learned = events("learned");
        refused = events("refused");
        rejected = events("rejected");
        spread = events("spread");
        refusedSteps = Counter.builder("streamlearn.refused.steps")
                .description("optimizer steps refused by the divergence guard").register(registry);
        drifts = Counter.builder("streamlearn.drifts")
                .description("drifts detected (model-events records of type drift)").register(registry);
        promotions = Counter.builder("streamlearn.promotions")
                .description("challengers promoted to champion (model-events records of type promotion)")
                .register(registry);
        Map<String, Counter> dl = new ConcurrentHashMap<>();
        for (String r : REASONS) {
            dl.put(r, Counter.builder("streamlearn.dead.letters").tag("reason", r)
                    .description("records written to dead-letter, by the kind of field at fault").register(registry));
        }
        deadLetters = Map.copyOf(dl);
        otherDeadLetters = deadLetters.get("other");
        labelsMatched = Counter.builder("streamlearn.labels").tag("outcome", "matched")
                .description("delayed labels by outcome").register(registry);
        labelsRejected = Counter.builder("streamlearn.labels").tag("outcome", "rejected")
                .description("delayed labels by outcome").register(registry);
        expired = Counter.builder("streamlearn.predictions.expired")
                .description("remembered predictions that expired before their label").register(registry);
        Gauge.builder("streamlearn.models", models, AtomicLong::get)
                .description("models in this instance's stores (as of the last scrape)").register(registry);
        modelLoss = MultiGauge.builder("streamlearn.model.loss")
                .description("rolling loss of the models that have seen the most events").register(registry);
        modelSeen = MultiGauge.builder("streamlearn.model.seen")
                .description("events seen by the models that have seen the most events").register(registry);
        servedLoss = MultiGauge.builder("streamlearn.model.served.loss")
                .description("mean loss of the served predictions scored against their delayed label")
                .register(registry);
        labelDelay = MultiGauge.builder("streamlearn.model.label.delay.ms")
                .description("label delay quantiles in ms of stream time (within 1 % relative)").register(registry);
        feedbackCounts = MultiGauge.builder("streamlearn.model.feedback")
                .description("delayed-label counts of a model since it was created (pending: now)").register(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    private Counter events(String outcome) {
        return Counter.builder("streamlearn.events").tag("outcome", outcome)
                .description("training events by outcome").register(registry);
    }

    /** Binds Kafka Streams' own metrics (once, before it starts). */
    public synchronized void bind(KafkaStreams s) {
        if (streams != null) {
            throw new IllegalStateException("a Kafka Streams instance is bound already");
        }
        streams = new KafkaStreamsMetrics(s);
        streams.bindTo(registry);
    }

    /** Registers {@code binder}'s meters (for example the restore progress) in this registry. */
    public void register(MeterBinder binder) {
        binder.bindTo(registry);
    }

    /** Training events learned so far ({@code streamlearn_events_total{outcome="learned"}}). */
    public double learnedEvents() {
        return learned.count();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    /**
     * Sets {@code streamlearn_models} to {@code count} and the per-model series to the {@code metrics.models.max}
     * models of {@code all} that have seen the most events (ties: by id).
     */
    public void refreshModels(int count, List<ModelFigures> all) {
        models.set(count);
        List<ModelFigures> top = new ArrayList<>(all);
        top.sort((a, b) -> a.seen() != b.seen() ? Long.compare(b.seen(), a.seen()) : a.model().compareTo(b.model()));
        List<ModelFigures> kept = top.subList(0, Math.min(maxModels, top.size()));
        List<MultiGauge.Row<?>> loss = new ArrayList<>();
        List<MultiGauge.Row<?>> seen = new ArrayList<>();
        List<MultiGauge.Row<?>> served = new ArrayList<>();
        List<MultiGauge.Row<?>> delay = new ArrayList<>();
        List<MultiGauge.Row<?>> counts = new ArrayList<>();
        for (ModelFigures f : kept) {
            loss.add(MultiGauge.Row.of(Tags.of("model", f.model(), "stat", "mean"), f.lossMean()));
            loss.add(MultiGauge.Row.of(Tags.of("model", f.model(), "stat", "ewma"), f.lossEwma()));
            loss.add(MultiGauge.Row.of(Tags.of("model", f.model(), "stat", "window"), f.lossWindow()));
            seen.add(MultiGauge.Row.of(Tags.of("model", f.model()), f.seen()));
            if (Double.isFinite(f.servedLoss())) {
                served.add(MultiGauge.Row.of(Tags.of("model", f.model()), f.servedLoss()));
            }
            if (Double.isFinite(f.delayP50Ms())) {
                delay.add(MultiGauge.Row.of(Tags.of("model", f.model(), "quantile", "0.5"), f.delayP50Ms()));
                delay.add(MultiGauge.Row.of(Tags.of("model", f.model(), "quantile", "0.99"), f.delayP99Ms()));
            }
            FeedbackCounts c = f.counts();
            if (c != null) {
                counts.add(count(f.model(), "pending", c.pending()));
                counts.add(count(f.model(), "matched", c.matched()));
                counts.add(count(f.model(), "expired", c.expired()));
                counts.add(count(f.model(), "unknown", c.unknown()));
                counts.add(count(f.model(), "rejected", c.rejected()));
                counts.add(count(f.model(), "notRemembered", c.notRemembered()));
            }
        }
        modelLoss.register(loss, true);
        modelSeen.register(seen, true);
        servedLoss.register(served, true);
        labelDelay.register(delay, true);
        feedbackCounts.register(counts, true);
    }

    private static MultiGauge.Row<?> count(String model, String count, long value) {
        return MultiGauge.Row.of(Tags.of("model", model, "count", count), value);
    }

    /** Records one HTTP request: its route pattern (or {@code unmatched}), method, status and duration. */
    public void httpRequest(String route, String method, int status, long nanos) {
        String key = route + ' ' + method + ' ' + status;
        Timer t = http.get(key);
        if (t == null) {
            t = http.computeIfAbsent(key, k -> Timer.builder("streamlearn.http.server.requests")
                    .description("HTTP requests by route pattern, method and status")
                    .tags("route", route, "method", method, "status", String.valueOf(status))
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30)).register(registry));
        }
        t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The category of a dead letter's field. */
    public static String reason(String field) {
        if (field == null) {
            return "other";
        }
        int end = field.length();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '.' || c == '[') {
                end = i;
                break;
            }
        }
        String head = field.substring(0, end);
        return REASONS.contains(head) ? head : "other";
    }

    @Override
    public void driftDetected() {
        drifts.increment();
    }

    @Override
    public void promoted() {
        promotions.increment();
    }

    @Override
    public void metricsPublished(String model, byte[] record) {
        history.metrics(model, record);
    }

    @Override
    public void modelEvent(String model, byte[] record) {
        history.event(model, record);
    }

    /** The recent loss and drift history of the models this instance published ({@link ModelHistory}). */
    public ModelHistory history() {
        return history;
    }

    @Override
    public void eventLearned() {
        learned.increment();
    }

    @Override
    public void eventRefused() {
        refused.increment();
    }

    @Override
    public void eventRejected() {
        rejected.increment();
    }

    @Override
    public void eventSpread() {
        spread.increment();
    }

    @Override
    public void refusedStep() {
        refusedSteps.increment();
    }

    @Override
    public void labelMatched() {
        labelsMatched.increment();
    }

    @Override
    public void labelRejected() {
        labelsRejected.increment();
    }

    @Override
    public void predictionsExpired(int n) {
        expired.increment(n);
    }

    @Override
    public void deadLetter(String field) {
        deadLetters.getOrDefault(reason(field), otherDeadLetters).increment();
    }

    @Override
    public synchronized void close() {
        if (streams != null) {
            streams.close();
        }
        registry.close();
    }
}
