package org.streamlearn.app.http;

import com.sun.net.httpserver.HttpExchange;

/**
 * A routed request: the exchange, its method, the model id decoded once from the raw path (null for paths
 * without one) and the body, read once by the {@link Router} so that it can be both served and forwarded.
 *
 * @param exchange the JDK exchange (for headers and the response)
 * @param method   the HTTP method
 * @param id       the decoded {@code {id}} path segment, or null
 * @param body     the request body (empty when none)
 */
public record Request(HttpExchange exchange, String method, String id, byte[] body) {

    /** The raw (still encoded) path and query, as received: what a forwarded request asks for. */
    public String rawPathAndQuery() {
        String q = exchange.getRequestURI().getRawQuery();
        return exchange.getRequestURI().getRawPath() + (q == null ? "" : "?" + q);
    }

    /** A request header, or null. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }
}
