package org.streamlearn.app.config;

/**
 * The HTTP API's safety settings and the bounds of {@code GET /metrics}: one nested record of
 * {@link ServiceConfig}, validated at construction.
 *
 * @param authToken                  the bearer token every endpoint but health and metrics requires, or null
 *                                   for none ({@code http.auth.token}, or the first line of
 *                                   {@code http.auth.token.file})
 * @param allowUnauthenticatedWrites whether write endpoints are served without a token on a non-loopback bind
 *                                   ({@code http.allow.unauthenticated.writes})
 * @param requestTimeoutMs           how long a client may take to send a request's headers and body
 *                                   ({@code http.request.timeout.ms}; checked every 250 ms)
 * @param responseTimeoutMs          how long a client may take to read a response
 *                                   ({@code http.response.timeout.ms})
 * @param idleTimeoutMs              how long an idle keep-alive connection is kept ({@code http.idle.timeout.ms})
 * @param threads                    requests served at once ({@code http.threads}; 64 more wait)
 * @param metricsModelsMax           models that get per-model series on {@code /metrics}
 *                                   ({@code metrics.models.max}; 0: none)
 */
public record HttpSettings(String authToken, boolean allowUnauthenticatedWrites, long requestTimeoutMs,
        long responseTimeoutMs, long idleTimeoutMs, int threads, int metricsModelsMax) {

    /** Defaults: no token, writes refused on a non-loopback bind, 10 s / 30 s / 30 s, 16 threads, 20 models. */
    public static final HttpSettings DEFAULT = new HttpSettings(null, false, 10_000, 30_000, 30_000, 16, 20);

    /** Validates every field. */
    public HttpSettings {
        if (authToken != null) {
            if (authToken.isEmpty()) {
                authToken = null;
            } else if (!authToken.matches("[A-Za-z0-9\\-._~+/]+=*")) {
                throw new ConfigException("http.auth.token", "must be a bearer token (RFC 6750 token68: letters, "
                        + "digits and -._~+/, then any '='), " + authToken.length() + " characters given");
            }
        }
        if (requestTimeoutMs < 1000) {
            throw new ConfigException("http.request.timeout.ms", "must be >= 1000, got " + requestTimeoutMs);
        }
        if (responseTimeoutMs < 1000) {
            throw new ConfigException("http.response.timeout.ms", "must be >= 1000, got " + responseTimeoutMs);
        }
        if (idleTimeoutMs < 1000) {
            throw new ConfigException("http.idle.timeout.ms", "must be >= 1000, got " + idleTimeoutMs);
        }
        if (threads < 2 || threads > 1024) {
            throw new ConfigException("http.threads", "must be between 2 and 1024, got " + threads);
        }
        if (metricsModelsMax < 0 || metricsModelsMax > 10_000) {
            throw new ConfigException("metrics.models.max", "must be between 0 and 10000, got " + metricsModelsMax);
        }
    }

    /** Whether a token is required. */
    public boolean authRequired() {
        return authToken != null;
    }

    @Override
    public String toString() {
        return "HttpSettings[authToken=" + (authToken == null ? "none" : "***") + ", allowUnauthenticatedWrites="
                + allowUnauthenticatedWrites + ", requestTimeoutMs=" + requestTimeoutMs + ", responseTimeoutMs="
                + responseTimeoutMs + ", idleTimeoutMs=" + idleTimeoutMs + ", threads=" + threads
                + ", metricsModelsMax=" + metricsModelsMax + "]";
    }
}
