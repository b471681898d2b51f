package org.streamlearn.bench.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * An open-loop HTTP load generator ({@code wrk2}-style): request {@code i} is due at {@code start + i/rate} and is
 * sent then, whether or not earlier ones have been answered, over keep-alive HTTP/1.1 connections of one
 * {@code java.net.http} client (which opens as many as the requests in flight need). Each latency is measured from
 * the request's due time, not from when it was actually sent, so a stall of the server or of the client itself
 * counts for every request it delays (no coordinated omission). Latencies go into an HdrHistogram (µs, 3
 * significant digits).
 */
final class ConstantRateClient {

    /** The outcome of one load: latency percentiles in milliseconds, requests, errors (non-200 or failed). */
    record Result(int rate, int seconds, long requests, long errors, double p50, double p90, double p99,
            double p999, double max) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "rate=%d seconds=%d requests=%d errors=%d p50_ms=%.3f p90_ms=%.3f "
                    + "p99_ms=%.3f p999_ms=%.3f max_ms=%.3f", rate, seconds, requests, errors, p50, p90, p99, p999,
                    max);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest request;

    /** A client that POSTs {@code body} (JSON) to {@code uri}. */
    ConstantRateClient(URI uri, String body) {
        this.request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Sends {@code rate} requests per second for {@code seconds} seconds and waits for every answer. */
    Result run(int rate, int seconds) throws InterruptedException {
        Histogram h = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong errors = new AtomicLong();
        Phaser inFlight = new Phaser(1);
        long n = (long) rate * seconds;
        double interval = 1e9 / rate;
        long start = System.nanoTime();
        for (long i = 0; i < n; i++) {
            long due = start + (long) (i * interval);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                if (wait > 100_000) {
                    LockSupport.parkNanos(wait - 50_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            inFlight.register();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - due) / 1000));
                if (failure != null || response.statusCode() != 200) {
                    errors.incrementAndGet();
                }
                inFlight.arriveAndDeregister();
            });
        }
        try {
            inFlight.awaitAdvanceInterruptibly(inFlight.arrive(), 30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("requests still unanswered 30 s after the load ended", e);
        }
        return new Result(rate, seconds, h.getTotalCount(), errors.get(), ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
