package org.streamlearn.app.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP transport, set up in one place: the JDK {@code HttpServer} with {@code TCP_NODELAY} on (without
 * it, Nagle's algorithm and delayed ACKs hold a keep-alive answer back for ~40 ms) and a bounded executor:
 * {@link #THREADS} workers and a queue of {@link #QUEUE} requests; beyond that the accepting thread serves the
 * request itself, which stops it accepting more until it is done (back-pressure, nothing dropped).
 */
final class Transport implements AutoCloseable {

    /** The JDK server's switch for {@code TCP_NODELAY}, read once when its classes load. */
    static final String NODELAY = "sun.net.httpserver.nodelay";

    static final int THREADS = 4;
    static final int QUEUE = 256;
    private static final int BACKLOG = 64;

    static {
        enableNoDelay();
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private Transport(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
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

    /** Binds {@code host:port} (port 0: a free one) and routes every request to {@code root}. */
    static Transport bind(String host, int port, HttpHandler root) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "streamlearn-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", root);
        return new Transport(server, executor);
    }

    /** The bound port. */
    int port() {
        return server.getAddress().getPort();
    }

    /** Starts serving. */
    void start() {
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
