package org.streamlearn.app.http;

import java.util.Map;

/**
 * An HTTP error a handler answers with: a status, the JSON error {@code {"error": {"field", "reason"}}} and
 * any headers that go with it ({@code Allow} for a 405, {@code Retry-After} for a 503). The {@link Router}
 * renders it, so a handler only throws.
 */
public final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Seconds a client is asked to wait before retrying a 503. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private final int status;
    private final String field;
    private final transient Map<String, String> headers;

    /** An error with extra response headers. */
    public HttpError(int status, String field, String reason, Map<String, String> headers) {
        super(reason);
        this.status = status;
        this.field = field;
        this.headers = Map.copyOf(headers);
    }

    /** An error with no extra header. */
    public HttpError(int status, String field, String reason) {
        this(status, field, reason, Map.of());
    }

    /** A 503 that asks the client to retry after {@link #RETRY_AFTER_SECONDS}. */
    public static HttpError unavailable(String field, String reason) {
        return new HttpError(503, field, reason, Map.of("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)));
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The request field (or component) the error is about. */
    public String field() {
        return field;
    }

    /** Extra response headers. */
    public Map<String, String> headers() {
        return headers == null ? Map.of() : headers;
    }
}
