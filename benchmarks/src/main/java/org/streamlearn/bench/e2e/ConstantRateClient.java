package org.streamlearn.bench.e2e;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A constant-rate HTTP/1.1 load generator in the manner of {@code wrk2}: {@code connections} keep-alive sockets,
 * one thread each; request {@code i} of the whole schedule is due at {@code start + i/rate} and belongs to
 * connection {@code i mod connections}, which sends it when it is due, or at once when the connection is late
 * (still waiting for an earlier answer). Each latency is measured from the request's due time, not from when it was
 * sent, so a stall of the server or of the client counts for every request it delays (no coordinated omission).
 * Latencies go into an HdrHistogram (µs, 3 significant digits). The client is a few lines over a raw socket
 * (request line, headers, {@code Content-Length} body), so that its own cost stays small beside the server's.
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

    private final InetSocketAddress server;
    private final byte[] request;
    private final int connections;
    private final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();

    /** A client that POSTs {@code body} (JSON) to {@code path} on {@code host:port} over {@code connections}. */
    ConstantRateClient(String host, int port, String path, String body, int connections) {
        this.server = new InetSocketAddress(host, port);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        this.request = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
        this.connections = connections;
    }

    /** Errors so far by kind (HTTP status or exception), for the report. */
    Map<String, Long> errorKinds() {
        Map<String, Long> m = new TreeMap<>();
        errorKinds.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Sends {@code rate} requests per second for {@code seconds} seconds and waits for every answer. */
    Result run(int rate, int seconds) throws InterruptedException {
        Histogram h = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        AtomicLong errors = new AtomicLong();
        long n = (long) rate * seconds;
        double interval = 1e9 / rate;
        long start = System.nanoTime() + 20_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            Thread t = new Thread(() -> {
                Socket socket = null;
                for (long i = conn; i < n; i += connections) {
                    long due = start + (long) (i * interval);
                    awaitTime(due);
                    try {
                        if (socket == null) {
                            socket = connect();
                        }
                        int status = exchange(socket);
                        if (status != 200) {
                            errors.incrementAndGet();
                            errorKinds.computeIfAbsent("HTTP " + status, k -> new AtomicLong()).incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        errorKinds.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong())
                                .incrementAndGet();
                        close(socket);
                        socket = null;
                    }
                    h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - due) / 1000));
                }
                close(socket);
            }, "load-" + c);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(rate, seconds, h.getTotalCount(), errors.get(), ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
    }

    private static void awaitTime(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            if (wait > 200_000) {
                LockSupport.parkNanos(wait - 100_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        s.connect(server, 5_000);
        return s;
    }

    /** Writes the request, reads the whole response; returns its status. */
    private int exchange(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 8192) {
            @Override
            public void close() {
                // the socket stays open (keep-alive)
            }
        };
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("bad status line '" + statusLine + "'");
        }
        long length = 0;
        for (String header; !(header = line(in)).isEmpty();) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Long.parseLong(header.substring(colon + 1).trim());
            }
        }
        for (long skipped = 0; skipped < length;) {
            if (in.read() < 0) {
                throw new IOException("connection closed in the body");
            }
            skipped++;
        }
        if (in.available() > 0) {
            throw new IOException("unexpected bytes after the response");
        }
        return Integer.parseInt(parts[1]);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n';) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static void close(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing a broken connection: nothing to do
            }
        }
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
