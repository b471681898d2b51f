package org.streamlearn.kafka.local;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;

/**
 * Default levels for slf4j-simple, the binding on the application's classpath, so that a broker
 * running in this JVM (and the admin client that probes a broker) does not flood the terminal.
 *
 * <p>slf4j-simple reads a logger's level once, when the logger is created, from the system
 * property {@code org.slf4j.simpleLogger.log.<name>} (or an ancestor's), falling back to
 * {@code simplelogger.properties} on the classpath; a system property wins over the file. So the
 * defaults are set as system properties, before the broker classes create their loggers, and only
 * when the user has configured no per-logger level at all, in either place.
 */
final class QuietLogging {

    static final String LOG_KEY_PREFIX = "org.slf4j.simpleLogger.log.";

    /** Set once this class has set levels, so that later calls may add to its own settings. */
    static final String APPLIED_MARKER = "streamlearn.kafka.quietLoggingApplied";

    /** Loggers of the broker and controller in this JVM: packages of kafka_2.13 and its modules. */
    static final List<String> BROKER_LOGGERS = List.of(
            "kafka",
            "state.change.logger",
            "org.apache.kafka.controller",
            "org.apache.kafka.raft",
            "org.apache.kafka.metadata",
            "org.apache.kafka.image",
            "org.apache.kafka.server",
            "org.apache.kafka.storage",
            "org.apache.kafka.coordinator",
            "org.apache.kafka.snapshot",
            "org.apache.kafka.queue",
            "org.apache.kafka.security",
            "org.apache.kafka.network",
            "org.apache.kafka.common.network",
            "org.apache.kafka.common.security");

    /**
     * Loggers of the readiness probe's admin client: the configuration dump, the version banner and
     * the metrics reporters. The same loggers serve every Kafka client in this JVM.
     */
    static final List<String> PROBE_LOGGERS = List.of(
            "org.apache.kafka.common.config.AbstractConfig",
            "org.apache.kafka.common.utils.AppInfoParser",
            "org.apache.kafka.common.metrics.Metrics",
            "org.apache.kafka.clients.admin.KafkaAdminClient",
            "org.apache.kafka.clients.admin.internals.AdminMetadataManager");

    private QuietLogging() {
    }

    /** Sets {@code level} for the given loggers, unless the user configured per-logger levels. */
    static synchronized void applyDefaults(List<String> loggers, String level) {
        if (userConfiguredLevels()) {
            return;
        }
        for (String logger : loggers) {
            System.setProperty(LOG_KEY_PREFIX + logger, level);
        }
        System.setProperty(APPLIED_MARKER, "true");
    }

    private static boolean userConfiguredLevels() {
        if (Boolean.getBoolean(APPLIED_MARKER)) {
            return false; // our own earlier defaults: adding to them is fine
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(LOG_KEY_PREFIX)) {
                return true;
            }
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = QuietLogging.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream("simplelogger.properties")) {
            if (in == null) {
                return false;
            }
            Properties file = new Properties();
            file.load(in);
            return file.stringPropertyNames().stream().anyMatch(k -> k.startsWith(LOG_KEY_PREFIX));
        } catch (IOException e) {
            return true; // cannot tell: leave the user's logging alone
        }
    }
}
