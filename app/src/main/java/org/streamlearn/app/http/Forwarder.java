package org.streamlearn.app.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Forwards a request to the instance that owns its model: same method, raw path and query, body and relevant
 * headers, with connect and read timeouts. A forwarded request carries {@link #MARKER}; a request that
 * carries it is never forwarded again (ownership moving: 503). An unknown or unreachable owner gives 503
 * with {@code Retry-After}. The owner's status, content type, {@code Retry-After} and body are passed back.
 */
public final class Forwarder {

    /** The header that marks a forwarded request; its value names the instance that forwarded it. */
    public static final String MARKER = "X-Streamlearn-Forwarded";

    private static final List<String> REQUEST_HEADERS = List.of("Content-Type", "Accept", "Authorization");
    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Retry-After", "Allow");

    private final HttpClient client;
    private final Duration readTimeout;
    private final String self;

    /**
     * A forwarder.
     *
     * @param connectTimeout how long to wait for a connection to the owner
     * @param readTimeout    how long to wait for the owner's answer
     * @param self           this instance's name, the marker's value
     */
    public Forwarder(Duration connectTimeout, Duration readTimeout, String self) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.readTimeout = readTimeout;
        this.self = self;
    }

    /** A handler that serves locally when this instance owns the request's id, and forwards it otherwise. */
    public Router.Handler owned(MetadataService metadata, Router.Handler local) {
        return r -> {
            Owner owner = metadata.ownerOf(r.id());
            if (owner instanceof Owner.Local) {
                local.handle(r);
            } else {
                forward(r, owner);
            }
        };
    }

    /** Forwards {@code r} to {@code owner} and passes the answer back (503 when it cannot). */
    public void forward(Request r, Owner owner) throws IOException {
        if (owner instanceof Owner.Unknown u) {
            throw HttpError.unavailable("service", u.reason());
        }
        if (!(owner instanceof Owner.Remote remote)) {
            throw new IllegalArgumentException("nothing to forward to: " + owner);
        }
        HostInfo host = remote.host();
        String from = r.header(MARKER);
        if (from != null) {
            throw HttpError.unavailable("service", "forwarded by " + from + ", but " + host
                    + " owns it now (ownership moving); not forwarded again");
        }
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(new URI("http://" + host.host() + ":" + host.port() + r.rawPathAndQuery()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw HttpError.unavailable("service", "bad owner address " + host + ": " + e.getMessage());
        }
        b.timeout(readTimeout).header(MARKER, self).method(r.method(), r.body().length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        for (String h : REQUEST_HEADERS) {
            String v = r.header(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        HttpResponse<byte[]> answer;
        try {
            answer = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.unavailable("service", "interrupted while asking " + host);
        } catch (IOException e) {
            throw HttpError.unavailable("service", "the owner " + host + " did not answer: " + e);
        }
        HttpExchange ex = r.exchange();
        for (String h : RESPONSE_HEADERS) {
            answer.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().set(h, v));
        }
        Responses.bytes(ex, answer.statusCode(), null, answer.body());
    }
}
