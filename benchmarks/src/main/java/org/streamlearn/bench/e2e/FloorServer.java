package org.streamlearn.bench.e2e;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK HTTP server's floor on this machine: a bare {@code com.sun.net.httpserver.HttpServer} in the service's
 * JVM, with as many worker threads as the service's, that reads the request body and answers a constant body (a
 * real prediction's bytes) with a fixed length. Under the same client, rate and machine load as the service, its
 * latency is what the server and the machine cost before any of streamlearn's code runs. {@code TCP_NODELAY} is
 * what the JVM has set ({@code -Dsun.net.httpserver.nodelay}; HttpLoadGoal and FloorPair set it to true unless it
 * is set).
 */
final class FloorServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private FloorServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** The floor's handler: reads the request body and answers {@code answer} with a fixed length. */
    static HttpHandler answering(byte[] answer) {
        return ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        };
    }

    /** Starts a server on a free loopback port with {@code threads} workers, answering {@code answer}. */
    static FloorServer start(int threads, byte[] answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        server.setExecutor(executor);
        server.createContext("/", answering(answer));
        server.start();
        return new FloorServer(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
