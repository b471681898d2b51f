package org.streamlearn.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamlearn.app.config.HttpSettings;

/**
 * The HTTP transport, set up in one place: the JDK {@code HttpServer} with {@code TCP_NODELAY} on (without
 * it, Nagle's algorithm and delayed ACKs hold a keep-alive answer back for ~40 ms), time limits on slow
 * clients and a bounded executor that never runs a request on the accepting thread.
 *
 * <ul>
 * <li><b>Slow clients.</b> The JDK server reads a request's headers on the worker thread, so a client that
 * sends them (or its body) slowly holds a worker. Its own timers cut such connections: {@code maxReqTime}
 * (headers and body not received within {@link HttpSettings#requestTimeoutMs}), {@code maxRspTime} (response
 * not taken within {@link HttpSettings#responseTimeoutMs}), {@code idleInterval} (idle keep-alive
 * connections). They are JVM-wide system properties, read once when the first server of the JVM is
 * created, so the first {@code Transport} of a JVM sets them (unless they are set already, e.g. with
 * {@code -D}); a value given with {@code -D} wins.</li>
 * <li><b>Saturation.</b> {@link HttpSettings#threads} workers and a queue of {@link #QUEUE} requests. Beyond
 * that a request goes to one small overflow worker that answers {@code 503} with {@code Retry-After} at once;
 * when that one is busy too, the connection is closed. The accepting thread only ever accepts.</li>
 * </ul>
 */
final class Transport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /** The JDK server's switch for {@code TCP_NODELAY}, read once when its classes load. */
    static final String NODELAY = "sun.net.httpserver.nodelay";
    /** Seconds a request's headers and body may take to arrive. */
    static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";
    /** Seconds a response may take to be taken by the client. */
    static final String MAX_RSP_TIME = "sun.net.httpserver.maxRspTime";
    /** Seconds an idle keep-alive connection is kept. */
    static final String IDLE_INTERVAL = "sun.net.httpserver.idleInterval";
    /** How often (ms) the JDK server checks the request and response time limits. */
    static final String TIMER_MILLIS = "sun.net.httpserver.timerMillis";

    /** Requests waiting for a worker before the server answers 503. */
    static final int QUEUE = 64;
    private static final int OVERFLOW_QUEUE = 16;
    private static final int BACKLOG = 128;

    /** Set on the overflow worker: the request it runs is answered 503 at once. */
    private static final ThreadLocal<Boolean> OVERFLOW = ThreadLocal.withInitial(() -> Boolean.FALSE);

    static {
        enableNoDelay();
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final ThreadPoolExecutor overflow;

    private Transport(HttpServer server, ThreadPoolExecutor executor, ThreadPoolExecutor overflow) {
        this.server = server;
        this.executor = executor;
        this.overflow = overflow;
    }

    /**
     * Turns {@code TCP_NODELAY} on for JDK HTTP servers unless the property is set already; effective only
     * before the first server of the JVM is created (the JDK reads it once).
     */
    static void enableNoDelay() {
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    /**
     * The JDK server's time limits for {@code settings} (whole seconds, rounded up), as system properties;
     * a property set already is kept. Effective only before the first server of the JVM is created.
     *
     * @return the values in force for this JVM, by property
     */
    static Map<String, String> limitSlowClients(HttpSettings settings) {
        setIfAbsent(MAX_REQ_TIME, seconds(settings.requestTimeoutMs()));
        setIfAbsent(MAX_RSP_TIME, seconds(settings.responseTimeoutMs()));
        setIfAbsent(IDLE_INTERVAL, seconds(settings.idleTimeoutMs()));
        setIfAbsent(TIMER_MILLIS, "250");
        return Map.of(MAX_REQ_TIME, System.getProperty(MAX_REQ_TIME), MAX_RSP_TIME, System.getProperty(MAX_RSP_TIME),
                IDLE_INTERVAL, System.getProperty(IDLE_INTERVAL));
    }

    private static String seconds(long ms) {
        return String.valueOf((ms + 999) / 1000);
    }

    private static void setIfAbsent(String property, String value) {
        String old = System.getProperty(property);
        if (old == null) {
            System.setProperty(property, value);
        } else if (!old.equals(value)) {
            LOG.warn("{}={} is set for this JVM already; it applies instead of {}", property, old, value);
        }
    }

    /** Binds {@code host:port} with the default settings; see {@link #bind(String, int, HttpSettings, HttpHandler)}. */
    static Transport bind(String host, int port, HttpHandler root) throws IOException {
        return bind(host, port, HttpSettings.DEFAULT, root);
    }

    /** Binds {@code host:port} (port 0: a free one) and routes every request to {@code root}. */
    static Transport bind(String host, int port, HttpSettings settings, HttpHandler root) throws IOException {
        limitSlowClients(settings);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        ThreadPoolExecutor overflow = pool("streamlearn-http-overflow-", 1, OVERFLOW_QUEUE, (r, pool) -> {
            throw new RejectedExecutionException("the HTTP server is saturated");
        });
        ThreadPoolExecutor executor = pool("streamlearn-http-", settings.threads(), QUEUE,
                (r, pool) -> overflow.execute(() -> {
                    OVERFLOW.set(Boolean.TRUE);
                    try {
                        r.run();
                    } finally {
                        OVERFLOW.set(Boolean.FALSE);
                    }
                }));
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            if (OVERFLOW.get()) {
                saturated(ex);
            } else {
                root.handle(ex);
            }
        });
        return new Transport(server, executor, overflow);
    }

    private static void saturated(HttpExchange ex) throws IOException {
        try {
            Responses.error(ex, HttpError.unavailable("server", "all " + QUEUE + " places in the request queue "
                    + "are taken; retry later"));
        } finally {
            ex.close();
        }
    }

    private static ThreadPoolExecutor pool(String name, int threads, int queue,
            java.util.concurrent.RejectedExecutionHandler rejected) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, rejected);
    }

    /** The bound port. */
    int port() {
        return server.getAddress().getPort();
    }

    /** Requests waiting for a worker now. */
    int queued() {
        return executor.getQueue().size();
    }

    /** Starts serving. */
    void start() {
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        overflow.shutdownNow();
    }
}
