package org.streamlearn.bench.e2e;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.DataFormatException;
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
final class ConstantRateClient implements Load {

    /**
     * The outcome of one load: latency percentiles in milliseconds, requests, errors (non-200 or failed), and the
     * histogram they come from (µs), so that loads can be merged ({@link #merge}).
     */
    record Result(int rate, int seconds, long requests, long errors, double p50, double p90, double p99,
            double p999, double max, Histogram histogram) {

        /** The figures of {@code h}. */
        static Result of(int rate, int seconds, long errors, Histogram h) {
            return new Result(rate, seconds, h.getTotalCount(), errors, ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h);
        }

        /** This load and {@code other} (at the same rate) as one: their histograms added. */
        Result merge(Result other) {
            Histogram h = histogram.copy();
            h.add(other.histogram());
            return of(rate, seconds + other.seconds(), errors + other.errors(), h);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "rate=%d seconds=%d requests=%d errors=%d p50_ms=%.3f p90_ms=%.3f "
                    + "p99_ms=%.3f p999_ms=%.3f max_ms=%.3f", rate, seconds, requests, errors, p50, p90, p99, p999,
                    max);
        }

        /** {@code RESULT <toString()> hist=<the histogram, compressed, Base64>}: how a child process reports. */
        String line() {
            ByteBuffer b = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
            int n = histogram.encodeIntoCompressedByteBuffer(b);
            return "RESULT " + this + " hist=" + Base64.getEncoder().encodeToString(Arrays.copyOf(b.array(), n));
        }

        /** The result of a {@link #line()}. */
        static Result parse(String line) {
            Map<String, String> f = new java.util.HashMap<>();
            for (String kv : line.substring("RESULT ".length()).split(" ")) {
                String[] p = kv.split("=", 2);
                f.put(p[0], p[1]);
            }
            try {
                Histogram h = Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(f.get("hist"))), 0);
                return of(Integer.parseInt(f.get("rate")), Integer.parseInt(f.get("seconds")),
                        Long.parseLong(f.get("errors")), h);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException("not a histogram in " + line, e);
            }
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
    @Override
    public String errorKinds() {
        Map<String, Long> m = new TreeMap<>();
        errorKinds.forEach((k, v) -> m.put(k, v.get()));
        return m.toString();
    }

    /** Sends {@code rate} requests per second for {@code seconds} seconds and waits for every answer. */
    @Override
    public Result run(int rate, int seconds) throws InterruptedException {
        Histogram h = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
        AtomicLong errors = new AtomicLong();
        long n = (long) rate * seconds;
        double interval = 1e9 / rate;
        long start = System.nanoTime() + 20_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            Thread t = new Thread(() -> {
                Connection socket = null;
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
        return Result.of(rate, seconds, errors.get(), h);
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

    /** A keep-alive connection and its streams, buffered once (the client allocates little per request). */
    private record Connection(Socket socket, OutputStream out, InputStream in) {
    }

    private Connection connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        s.connect(server, 5_000);
        return new Connection(s, s.getOutputStream(), new BufferedInputStream(s.getInputStream(), 8192));
    }

    /** Writes the request, reads the whole response; returns its status. */
    private int exchange(Connection c) throws IOException {
        OutputStream out = c.out();
        out.write(request);
        out.flush();
        InputStream in = c.in();
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

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.socket().close();
            } catch (IOException e) {
                // closing a broken connection: nothing to do
            }
        }
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
