package org.streamlearn.bench.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@link FloorServer}'s twin on Jetty: the same handler (read the body, answer a constant with a fixed length),
 * written against the same {@code com.sun.net.httpserver} API, served by Jetty 12 through its SPI
 * ({@code jetty-http-spi}). Jetty's own thread pool ({@code threads} for requests, plus its acceptor and selector)
 * runs the handler; its selector hands a ready connection to a pool thread that reads, parses and handles the
 * request on the same thread (Jetty's adaptive execution strategy), where the JDK server's dispatcher thread parses
 * nothing and hands each exchange to an executor. {@code TCP_NODELAY}: Jetty's default for accepted sockets.
 */
final class JettyFloorServer implements AutoCloseable {

    private final HttpServer server;

    private JettyFloorServer(HttpServer server) {
        this.server = server;
    }

    /** Starts a server on a free loopback port with {@code threads} request threads, answering {@code answer}. */
    static JettyFloorServer start(int threads, byte[] answer) throws IOException {
        return start(threads, answer, -1, true);
    }

    /**
     * As {@link #start(int, byte[])}, with {@code reserved} reserved threads (-1: Jetty's heuristic; 0: none, so
     * the selector can never hand its producing role over and run a request itself: every request is handed to a
     * pool thread) and {@code TCP_NODELAY} on accepted sockets as given.
     */
    static JettyFloorServer start(int threads, byte[] answer, int reserved, boolean noDelay) throws IOException {
        QueuedThreadPool pool = new QueuedThreadPool(threads + 2, 2);
        pool.setReservedThreads(reserved);
        pool.setName("jetty-floor");
        pool.setDaemon(true);
        Server jetty = new Server(pool);
        jetty.setHandler(new ContextHandlerCollection());
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setAcceptQueueSize(128);
        connector.setAcceptedTcpNoDelay(noDelay);
        jetty.addConnector(connector);
        HttpServer server = new JettyHttpServer(jetty, false);
        server.bind(new InetSocketAddress("127.0.0.1", 0), 128); // port 0: the connector above, not a second one
        server.createContext("/", FloorServer.answering(answer));
        server.start();
        return new JettyFloorServer(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
