package org.streamlearn.app.http;

import com.sun.net.httpserver.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The live dashboard's static files ({@code src/main/resources/dashboard/}): {@code GET /} (the page),
 * {@code /dashboard.js} (which polls {@code GET /models}, and {@code GET /models/{id}/history} and
 * {@code GET /models/{id}} for the selected model, and renders with text nodes and attributes only),
 * {@code /charts.js} (its hand-written SVG charts) and {@code /dashboard.css}; nothing from elsewhere. Read
 * once at start-up; served with a same-origin content security policy.
 */
final class DashboardHandler {

    /** The asset files by the path they are served at, with their content types. */
    static final Map<String, String> ASSETS = Map.of(
            "/", "index.html",
            "/dashboard.js", "dashboard.js",
            "/charts.js", "charts.js",
            "/dashboard.css", "dashboard.css");

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "charts.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private final String file;
    private final byte[] content;

    /** The handler of one asset file (fails at start-up when it is missing). */
    DashboardHandler(String file) {
        this.file = file;
        try (InputStream in = DashboardHandler.class.getResourceAsStream("/dashboard/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard asset /dashboard/" + file + " is not on the classpath");
            }
            this.content = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void get(Request r) throws IOException {
        Headers h = r.exchange().getResponseHeaders();
        h.set("Cache-Control", "no-cache");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Content-Security-Policy", "default-src 'self'");
        Responses.bytes(r.exchange(), 200, TYPES.get(file), content);
    }
}
