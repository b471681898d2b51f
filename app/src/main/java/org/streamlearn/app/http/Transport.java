package org.streamlearn.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.streamlearn.app.config.HttpSettings;
import org.streamlearn.store.json.Json;

/**
 * The HTTP transport, set up in one place: Jetty 12 serving the {@code com.sun.net.httpserver} handlers through
 * its SPI ({@code jetty-http-spi}), with {@code TCP_NODELAY} on, time limits on slow clients and a bounded number
 * of requests in progress. Jetty's selector hands a ready connection to a pool thread that parses and handles the
 * request on that same thread (no hand-off from a dispatcher to an executor, as in the JDK server); under the
 * same load its tail is lower than the JDK server's (docs/benchmarks.md, figure 4).
 *
 * <ul>
 * <li><b>{@code TCP_NODELAY}</b> on every accepted socket (without it, Nagle's algorithm and delayed ACKs hold a
 * keep-alive answer back for ~40 ms); {@value #NODELAY}{@code =false} turns it off, for the benchmark that
 * guards it (HttpLoadGoal's {@code nodelayCheck}) only.</li>
 * <li><b>Slow clients.</b> Jetty reads headers without holding a worker. A request whose headers and body have
 * not arrived within {@link HttpSettings#requestTimeoutMs} is cut (checked every {@value #SWEEP_MS} ms; the time
 * counts from the first moment a request is seen in progress, until it is fully read, and includes a wait in the
 * queue below, as with the JDK server's {@code maxReqTime}); a response the client does not take is cut after
 * {@link HttpSettings#responseTimeoutMs} without progress; an idle keep-alive connection after
 * {@link HttpSettings#idleTimeoutMs}.</li>
 * <li><b>Saturation.</b> At most {@link HttpSettings#threads} requests run at once, and {@link #QUEUE} more wait
 * (suspended, without a thread); beyond that a request is answered {@code 503} with {@code Retry-After} at once
 * (Jetty's {@link QoSHandler}). Jetty's pool has a few threads more than that for its acceptor, its selector and
 * the requests it parses, queues or refuses.</li>
 * </ul>
 */
final class Transport implements AutoCloseable {

    /** {@code TCP_NODELAY} on accepted sockets unless this system property is {@code false}. */
    static final String NODELAY = "streamlearn.http.nodelay";

    /** Requests waiting for a worker before the server answers 503. */
    static final int QUEUE = 64;
    private static final int BACKLOG = 128;
    /** Threads beyond the workers: acceptor, selector, and the requests being parsed, queued or refused. */
    private static final int SPARE = 6;
    private static final long SWEEP_MS = 250;

    private final Server jetty;
    private final ServerConnector connector;
    private final HttpServer server;
    private final QoSHandler qos;

    private Transport(Server jetty, ServerConnector connector, HttpServer server, QoSHandler qos) {
        this.jetty = jetty;
        this.connector = connector;
        this.server = server;
        this.qos = qos;
    }

    /** Binds {@code host:port} with the default settings; see {@link #bind(String, int, HttpSettings, HttpHandler)}. */
    static Transport bind(String host, int port, HttpHandler root) throws IOException {
        return bind(host, port, HttpSettings.DEFAULT, root);
    }

    /** Binds {@code host:port} (port 0: a free one) and routes every request to {@code root}. */
    static Transport bind(String host, int port, HttpSettings settings, HttpHandler root) throws IOException {
        QueuedThreadPool pool = new QueuedThreadPool(settings.threads() + SPARE, 2, 60_000);
        pool.setName("streamlearn-http");
        pool.setDaemon(true);
        Server jetty = new Server(pool);
        HttpConfiguration conf = new HttpConfiguration();
        conf.setSendServerVersion(false);
        // the router decodes and checks the path itself (RouterTest), as with the JDK server: Jetty passes it on
        conf.setUriCompliance(UriCompliance.UNSAFE);
        conf.setIdleTimeout(settings.responseTimeoutMs()); // blocking reads and writes of a request in progress
        ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(conf));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(BACKLOG);
        connector.setIdleTimeout(settings.idleTimeoutMs());
        connector.setAcceptedTcpNoDelay(!"false".equals(System.getProperty(NODELAY)));
        connector.addEventListener(new SlowRequests(jetty.getScheduler(), settings.requestTimeoutMs()));
        jetty.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        QoSHandler qos = new Saturation(contexts);
        qos.setMaxRequestCount(settings.threads());
        qos.setMaxSuspendedRequestCount(QUEUE);
        qos.setMaxSuspend(Duration.ofMillis(settings.requestTimeoutMs()));
        jetty.setHandler(qos);
        jetty.setErrorHandler(new JsonErrors());
        // shared: this class starts and stops Jetty; the SPI server only adds the context on the connector above
        HttpServer server = new JettyHttpServer(jetty, true, conf);
        try {
            connector.open();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        server.bind(new InetSocketAddress(host, port), BACKLOG);
        server.createContext("/", root);
        return new Transport(jetty, connector, server, qos);
    }

    /** The bound port. */
    int port() {
        return connector.getLocalPort();
    }

    /** Requests waiting for a worker now. */
    int queued() {
        return qos.getSuspendedRequestCount();
    }

    /** Starts serving. */
    void start() {
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server did not stop: " + e.getMessage(), e);
        }
    }

    /** {@link QoSHandler} that refuses with streamlearn's JSON error, 503 and {@code Retry-After}. */
    private static final class Saturation extends QoSHandler {

        Saturation(ContextHandlerCollection next) {
            super(next);
        }

        @Override
        protected void reject(Request request, Response response, Callback callback, int status) {
            HttpError e = HttpError.unavailable("server", "all " + QUEUE + " places in the request queue are taken; "
                    + "retry later");
            byte[] body;
            try {
                body = Json.MAPPER.writeValueAsBytes(Responses.errorBody(e.field(), e.getMessage()));
            } catch (JsonProcessingException ex) {
                callback.failed(ex);
                return;
            }
            response.setStatus(e.status());
            e.headers().forEach((k, v) -> response.getHeaders().put(k, v));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, Responses.JSON);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /** Errors Jetty answers itself (a malformed request, before any handler) as streamlearn's JSON errors. */
    private static final class JsonErrors extends ErrorHandler {

        @Override
        protected void generateResponse(Request request, Response response, int code, String message,
                Throwable cause, Callback callback) throws IOException {
            byte[] body = Json.MAPPER.writeValueAsBytes(Responses.errorBody("request",
                    message != null ? message : String.valueOf(HttpStatus.getMessage(code))));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, Responses.JSON);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /**
     * Cuts connections whose request has been arriving for longer than the request time limit: every
     * {@value #SWEEP_MS} ms, each HTTP/1.1 connection whose parser is within a request (past its first byte, before
     * its end) is timed from the sweep that first saw that request.
     */
    private static final class SlowRequests implements Connection.Listener {

        private record Seen(long messagesIn, long sinceNanos) {
        }

        private final Map<HttpConnection, Seen> open = new ConcurrentHashMap<>();
        private final Scheduler scheduler;
        private final long limitNanos;
        private final AtomicBoolean scheduled = new AtomicBoolean();

        SlowRequests(Scheduler scheduler, long limitMs) {
            this.scheduler = scheduler;
            this.limitNanos = TimeUnit.MILLISECONDS.toNanos(limitMs);
        }

        @Override
        public void onOpened(Connection c) {
            if (c instanceof HttpConnection h) {
                open.put(h, new Seen(-1, 0));
                if (scheduled.compareAndSet(false, true)) {
                    scheduler.schedule(this::sweep, SWEEP_MS, TimeUnit.MILLISECONDS);
                }
            }
        }

        @Override
        public void onClosed(Connection c) {
            open.remove(c);
        }

        private void sweep() {
            long now = System.nanoTime();
            for (Map.Entry<HttpConnection, Seen> e : open.entrySet()) {
                HttpConnection h = e.getKey();
                HttpParser p = h.getParser();
                boolean arriving = !p.isStart() && !p.isState(HttpParser.State.END) && !p.isState(HttpParser.State.CLOSE)
                        && !p.isState(HttpParser.State.CLOSED);
                if (!arriving) {
                    e.setValue(new Seen(-1, 0));
                } else if (e.getValue().messagesIn() != h.getMessagesIn()) {
                    e.setValue(new Seen(h.getMessagesIn(), now));
                } else if (now - e.getValue().sinceNanos() > limitNanos) {
                    open.remove(h);
                    h.getEndPoint().close();
                }
            }
            if (scheduler.isRunning()) {
                scheduler.schedule(this::sweep, SWEEP_MS, TimeUnit.MILLISECONDS);
            } else {
                scheduled.set(false);
            }
        }
    }
}
