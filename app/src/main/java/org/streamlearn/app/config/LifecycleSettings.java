package org.streamlearn.app.config;

/**
 * How a {@code streamlearn run} process leaves its cluster: the bounds on a shutdown (SIGTERM, or a fatal error)
 * and whether a cleanly stopped instance leaves the consumer group at once (so that its restart is running within
 * seconds, not after the group's session timeout).
 *
 * @param streamsCloseTimeoutMs how long closing Kafka Streams may take ({@code shutdown.streams.timeout.ms});
 *                              after it the process goes on exiting, leaving the rest to the broker's timeouts
 * @param httpCloseTimeoutMs    how long stopping the HTTP server may take ({@code shutdown.http.timeout.ms})
 * @param leaveGroupOnClose     whether a clean close leaves the group ({@code shutdown.leave.group}), also when
 *                              static membership ({@code kafka.group.instance.id}) is configured
 */
public record LifecycleSettings(long streamsCloseTimeoutMs, long httpCloseTimeoutMs, boolean leaveGroupOnClose) {

    /** The defaults: 15 s for Kafka Streams, 2 s for HTTP, leave the group. */
    public static final LifecycleSettings DEFAULT = new LifecycleSettings(15_000, 2_000, true);

    /** Validates the bounds. */
    public LifecycleSettings {
        if (streamsCloseTimeoutMs < 0) {
            throw new ConfigException("shutdown.streams.timeout.ms", "must be >= 0, got " + streamsCloseTimeoutMs);
        }
        if (httpCloseTimeoutMs < 0) {
            throw new ConfigException("shutdown.http.timeout.ms", "must be >= 0, got " + httpCloseTimeoutMs);
        }
    }
}
