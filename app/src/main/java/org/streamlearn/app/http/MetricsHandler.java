package org.streamlearn.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.streamlearn.app.metrics.ServiceMetrics;
import org.streamlearn.app.streams.FeedbackCounters;
import org.streamlearn.app.streams.LabelDelays;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * {@code GET /metrics}: every meter of {@link ServiceMetrics} in Prometheus' text format. Before each scrape
 * the model series are refreshed from this instance's stores (when they can be read; otherwise the last
 * figures stay). Also times every HTTP request ({@link #timed}).
 */
final class MetricsHandler {

    private final ServiceMetrics metrics;
    private final LocalModels models;

    MetricsHandler(ServiceMetrics metrics, LocalModels models) {
        this.metrics = metrics;
        this.models = models;
    }

    void get(Request r) throws IOException {
        try {
            Map<String, byte[]> all = models.all();
            Function<String, byte[]> pending = models.pending(false);
            List<ServiceMetrics.ModelFigures> figures = new ArrayList<>(all.size());
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                ModelState m = BinaryStateCodec.decode(e.getValue());
                RollingLoss loss = m.learned().rolling();
                double served = Double.NaN;
                double p50 = Double.NaN;
                double p99 = Double.NaN;
                ServiceMetrics.FeedbackCounts counts = null;
                if (m.spec().feedback() != null) {
                    FeedbackCounters c = FeedbackCounters.read(pending, m.modelId());
                    served = c.servedLoss();
                    counts = new ServiceMetrics.FeedbackCounts(c.pending(), c.matched(), c.expired(), c.unknown(),
                            c.rejected(), c.notRemembered());
                    LabelDelays d = FeedbackCounters.readDelays(pending, m.modelId());
                    p50 = d.quantile(0.5);
                    p99 = d.quantile(0.99);
                }
                figures.add(new ServiceMetrics.ModelFigures(m.modelId(), m.learned().seen(), loss.mean(),
                        loss.ewma(), loss.windowMean(), served, p50, p99, counts));
            }
            metrics.refreshModels(all.size(), figures);
        } catch (HttpError notNow) {
            // the stores cannot be read now (starting, rebalancing): the model series keep their last values
        }
        Responses.bytes(r.exchange(), 200, ServiceMetrics.contentType(),
                metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code root}, with each request's latency recorded by route pattern, method and status. */
    static HttpHandler timed(ServiceMetrics metrics, HttpHandler root) {
        return ex -> {
            long start = System.nanoTime();
            try {
                root.handle(ex);
            } finally {
                metrics.httpRequest(route(ex), ex.getRequestMethod(), ex.getResponseCode(), System.nanoTime() - start);
            }
        };
    }

    private static String route(HttpExchange ex) {
        Object r = ex.getAttribute(Router.ROUTE);
        return r == null ? "unmatched" : r.toString();
    }
}
