package org.streamlearn.app.http;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import org.streamlearn.app.config.HttpSettings;

/**
 * Who may call what, as the {@link Router}'s {@link Router.Guard}:
 * <ul>
 * <li>the health endpoints ({@code /health…}) and {@code /metrics} are open, as are the dashboard's static
 * files, which hold no data (the page sends the token, taken from its URL fragment {@code #token=…}, with
 * every request it makes);</li>
 * <li>with a token configured ({@code http.auth.token}), every other request needs
 * {@code Authorization: Bearer <token>}, else {@code 401} with {@code WWW-Authenticate: Bearer};</li>
 * <li>with no token, on an address other than loopback, write requests (any method but {@code GET} and
 * {@code HEAD}, except the reads sent with {@code POST}, such as predict) are refused with {@code 403},
 * unless {@code http.allow.unauthenticated.writes=true}.</li>
 * </ul>
 * The token is compared in constant time. A forwarded request carries the client's {@code Authorization}
 * header to the owner, which checks it again.
 */
final class Access implements Router.Guard {

    private static final Set<String> OPEN = open();
    private static final Set<String> READ_POSTS = Set.of("/models/{id}/predict");
    private static final String CHALLENGE = "Bearer realm=\"streamlearn\"";

    private final byte[] token;
    private final boolean refuseWrites;
    private final String bind;

    /**
     * The access rules for a server bound to {@code bindHost}.
     *
     * @param settings the token and whether unauthenticated writes are allowed
     * @param bindHost the address the server listens on
     */
    Access(HttpSettings settings, String bindHost) {
        this.token = settings.authRequired() ? settings.authToken().getBytes(StandardCharsets.UTF_8) : null;
        this.refuseWrites = token == null && !settings.allowUnauthenticatedWrites() && !isLoopback(bindHost);
        this.bind = bindHost;
    }

    /** The health endpoints, the metrics and the dashboard's static files ({@link DashboardHandler#ASSETS}). */
    private static Set<String> open() {
        Set<String> open = new java.util.HashSet<>(Set.of("/health", "/health/live", "/health/ready", "/metrics"));
        open.addAll(DashboardHandler.ASSETS.keySet());
        return Set.copyOf(open);
    }

    /** Whether {@code host} resolves to a loopback address ({@code 127.0.0.1}, {@code ::1}, {@code localhost}). */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether a request with this method on this route changes something. */
    static boolean isWrite(String method, String pattern) {
        return !(method.equals("GET") || method.equals("HEAD") || (method.equals("POST") && READ_POSTS.contains(pattern)));
    }

    @Override
    public void check(HttpExchange ex, String method, String pattern) {
        if (OPEN.contains(pattern)) {
            return;
        }
        if (token != null) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new HttpError(401, "Authorization", "this endpoint needs the header 'Authorization: Bearer "
                        + "<token>' (http.auth.token)", Map.of("WWW-Authenticate", CHALLENGE));
            }
            byte[] given = auth.substring(7).strip().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, token)) {
                throw new HttpError(401, "Authorization", "the bearer token is not valid",
                        Map.of("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\""));
            }
            return;
        }
        if (refuseWrites && isWrite(method, pattern)) {
            throw new HttpError(403, "http.auth.token", method + " " + pattern + " changes models, and this server "
                    + "listens on " + bind + " (not loopback) with no token: set http.auth.token (or "
                    + "http.auth.token.file), or http.allow.unauthenticated.writes=true to allow it");
        }
    }
}
