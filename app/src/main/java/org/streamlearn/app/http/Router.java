package org.streamlearn.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.streamlearn.app.events.ModelIds;

/**
 * Matches method + path to a handler. Paths are patterns of literal segments and at most one {@code {id}}
 * segment, which is percent-decoded exactly once from the raw path ({@code a%2Fb} is the id {@code a/b},
 * {@code a+b} is {@code a+b}, {@code 50%25} is {@code 50%}); a malformed escape, invalid UTF-8 or an id that breaks
 * {@link ModelIds}' rule gives 400, a
 * path no route has gives 404, a method the path does not allow gives 405 with an {@code Allow} header. The
 * body is read once (at most {@link #MAX_BODY_BYTES}, else 413) and handed on as bytes, after the {@link Guard}
 * (authentication) let the request through; the matched pattern is left on the exchange as the attribute
 * {@link #ROUTE} (for metrics). Handler errors
 * ({@link HttpError}) and unexpected failures (500) are rendered as JSON errors.
 */
public final class Router implements HttpHandler {

    /** The largest request body accepted. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    /** The exchange attribute that holds the matched route's pattern, e.g. {@code /models/{id}}. */
    public static final String ROUTE = "streamlearn.route";

    private static final String ID = "{id}";

    /** Decides whether a matched request may be served, before its body is read. */
    @FunctionalInterface
    public interface Guard {
        /** Returns when the request may go on, else throws the {@link HttpError} to answer with. */
        void check(HttpExchange exchange, String method, String pattern);
    }

    /** Serves one routed request: parse, call, render. */
    @FunctionalInterface
    public interface Handler {
        /** Answers the request (or throws an {@link HttpError}). */
        void handle(Request request) throws IOException;
    }

    private record Route(String method, String pattern, String[] segments, Handler handler) {
    }

    /** The outcome of matching a method and a raw path. */
    public sealed interface Match {
    }

    /** A route matched; {@code id} is the decoded id segment or null, {@code pattern} the route's pattern. */
    public record Found(Handler handler, String id, String pattern) implements Match {
    }

    /** No route has this path (404). */
    public record NotFound() implements Match {
    }

    /** The path exists, not with this method (405); {@code allow} lists the methods it has. */
    public record NotAllowed(List<String> allow) implements Match {
    }

    /** The path cannot be decoded (400). */
    public record BadPath(String reason) implements Match {
    }

    private final List<Route> routes = new ArrayList<>();
    private Guard guard = (ex, method, pattern) -> { };

    /** Sets the guard every matched request passes first; returns this router. */
    public Router guard(Guard g) {
        this.guard = java.util.Objects.requireNonNull(g, "guard");
        return this;
    }

    /** Adds a route, e.g. {@code route("POST", "/models/{id}/predict", handler)}; returns this router. */
    public Router route(String method, String pattern, Handler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a pattern starts with '/': " + pattern);
        }
        routes.add(new Route(method, pattern, pattern.substring(1).split("/", -1), handler));
        return this;
    }

    /** Matches a method and a raw (still percent-encoded) path. */
    public Match match(String method, String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return new NotFound();
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        String rawId = null;
        List<Route> shaped = new ArrayList<>();
        for (Route r : routes) {
            String id = shape(r.segments(), segments);
            if (id != null) {
                shaped.add(r);
                rawId = id.isEmpty() ? null : id;
            }
        }
        if (shaped.isEmpty()) {
            return new NotFound();
        }
        String id;
        try {
            id = rawId == null ? null : decode(rawId);
        } catch (IllegalArgumentException e) {
            return new BadPath(e.getMessage());
        }
        String problem = id == null ? null : ModelIds.problem(id);
        if (problem != null) {
            return new BadPath("not a valid model id: " + problem + " in \"" + ModelIds.display(id) + "\"");
        }
        TreeSet<String> allow = new TreeSet<>();
        for (Route r : shaped) {
            if (r.method().equals(method)) {
                return new Found(r.handler(), id, r.pattern());
            }
            allow.add(r.method());
        }
        return new NotAllowed(List.copyOf(allow));
    }

    /** The raw id segment ("" when the pattern has none) if the path has the pattern's shape, else null. */
    private static String shape(String[] pattern, String[] segments) {
        if (pattern.length != segments.length) {
            return null;
        }
        String id = "";
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].equals(ID)) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                id = segments[i];
            } else if (!pattern[i].equals(segments[i])) {
                return null;
            }
        }
        return id;
    }

    /**
     * Percent-decodes one path segment, once: {@code %XX} runs are UTF-8 (strictly), every other character,
     * {@code +} included, stands for itself.
     *
     * @throws IllegalArgumentException for a malformed escape or invalid UTF-8
     */
    public static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            run.reset();
            while (i < raw.length() && raw.charAt(i) == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("malformed escape at the end of '" + raw + "'");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("malformed escape '" + raw.substring(i, i + 3) + "' in '"
                            + raw + "'");
                }
                run.write(hi << 4 | lo);
                i += 3;
            }
            try {
                out.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(run.toByteArray())));
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("escapes in '" + raw + "' are not UTF-8", e);
            }
        }
        return out.toString();
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            Match m = match(ex.getRequestMethod(), ex.getRequestURI().getRawPath());
            if (m instanceof Found f) {
                ex.setAttribute(ROUTE, f.pattern());
                guard.check(ex, ex.getRequestMethod(), f.pattern());
                f.handler().handle(new Request(ex, ex.getRequestMethod(), f.id(), readBody(ex)));
            } else if (m instanceof NotAllowed n) {
                throw new HttpError(405, "method", ex.getRequestMethod() + " is not allowed on "
                        + ex.getRequestURI().getRawPath() + " (allowed: " + String.join(", ", n.allow()) + ")",
                        Map.of("Allow", String.join(", ", n.allow())));
            } else if (m instanceof BadPath b) {
                throw new HttpError(400, "path", b.reason());
            } else {
                throw new HttpError(404, "path", "no such resource: " + ex.getRequestURI().getRawPath());
            }
        } catch (HttpError e) {
            drainBody(ex);
            Responses.error(ex, e);
        } catch (RuntimeException e) {
            drainBody(ex);
            Responses.error(ex, new HttpError(500, "server", e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            ex.close();
        }
    }

    /**
     * Reads what is left of a refused request's body (a 401 comes before the body is read), at most
     * {@link #MAX_BODY_BYTES} more, so that the connection can serve the client's next request: a body left
     * unread makes the server close the connection after the answer, and a client that reuses it then fails on
     * its next request. Beyond that bound the answer says {@code Connection: close}.
     */
    private static void drainBody(HttpExchange ex) {
        byte[] buffer = new byte[8192];
        long read = 0;
        try {
            InputStream in = ex.getRequestBody();
            for (int n; read <= MAX_BODY_BYTES && (n = in.read(buffer)) > 0; ) {
                read += n;
            }
        } catch (IOException e) {
            return; // read and closed already (the body was taken), or the client is gone
        }
        if (read > MAX_BODY_BYTES) {
            ex.getResponseHeaders().set("Connection", "close");
        }
    }

    /**
     * The body, at most {@link #MAX_BODY_BYTES}. With a {@code Content-Length} within the limit it is read into
     * one array of that length ({@code readNBytes(int)} would also allocate 8 KiB chunks for every request).
     */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            int declared = declaredLength(ex);
            if (declared >= 0 && declared <= MAX_BODY_BYTES) {
                byte[] body = new byte[declared];
                int n = in.readNBytes(body, 0, declared);
                return n == declared ? body : java.util.Arrays.copyOf(body, n);
            }
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new HttpError(413, "body", "the request body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }
    }

    /**
     * The request's {@code Content-Length} when it has exactly one valid one and no {@code Transfer-Encoding}
     * (which the JDK server would follow instead), else -1.
     */
    private static int declaredLength(HttpExchange ex) {
        List<String> v = ex.getRequestHeaders().get("Content-Length");
        if (v == null || v.size() != 1 || ex.getRequestHeaders().containsKey("Transfer-Encoding")) {
            return -1;
        }
        try {
            long n = Long.parseLong(v.get(0).trim());
            return n < 0 || n > Integer.MAX_VALUE ? -1 : (int) n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
