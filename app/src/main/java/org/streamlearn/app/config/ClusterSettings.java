package org.streamlearn.app.config;

/**
 * The settings of running many instances ({@code docs/operations.md}, "Many instances").
 *
 * @param advertisedUrl   {@code http.advertised.url}: the address other instances reach this one at, as
 *                        {@code [http://]host[:port]} (Streams' {@code application.server}); empty: the bind address,
 *                        or the machine's host name for a wildcard bind; no port: the bound port
 * @param standbyReplicas {@code num.standby.replicas}: warm copies of each model store on other instances
 * @param maxLagRecords   {@code serving.max.lag.records}: how far (changelog records) a standby may lag and still
 *                        answer a read while the model's active task is unavailable (negative: never)
 */
public record ClusterSettings(String advertisedUrl, int standbyReplicas, long maxLagRecords) {

    /** Validates every field. */
    public ClusterSettings {
        advertisedUrl = advertisedUrl == null ? "" : advertisedUrl.trim();
        if (!advertisedUrl.isEmpty()
                && !advertisedUrl.matches("(?i)(http://)?(\\[[0-9a-f:.]+\\]|[A-Za-z0-9._-]+)(:\\d{1,5})?/?")) {
            throw new ConfigException("http.advertised.url", "must be [http://]host[:port], got '" + advertisedUrl
                    + "'");
        }
        if (standbyReplicas < 0) {
            throw new ConfigException("num.standby.replicas", "must be >= 0, got " + standbyReplicas);
        }
    }
}
