package org.streamlearn.kafka.local;

import static org.streamlearn.kafka.local.LocalKafkaBroker.HOST;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Waits until a starting node serves requests: its PLAINTEXT port accepts connections and an admin client's
 * {@code describeCluster} names a node. It polls every 100 ms, and gives up with a {@link
 * LocalKafkaBrokerException} as soon as the node has failed ({@link BrokerNode#startFailure()}), the broker is
 * being closed, or the startup timeout has passed. The message of a child's failure quotes what that start wrote
 * to {@code broker.log} ({@link BrokerLog#excerptSince(long)}).
 *
 * <p>The probe's admin client logs through this JVM's slf4j binding: its configuration dump and banners are
 * quietened first ({@link QuietLogging#PROBE_LOGGERS}).
 */
final class ReadinessProbe {

    private static final long POLL_INTERVAL_MS = 100;

    private final BrokerSettings settings;
    private final BrokerLog log;

    ReadinessProbe(BrokerSettings settings, BrokerLog log) {
        this.settings = settings;
        this.log = log;
    }

    /**
     * Returns once {@code node} serves requests.
     *
     * @param logOffset the size of the log file before this start
     * @param closing whether the broker is being closed (by the JVM's shutdown hook), which ends the wait
     * @throws LocalKafkaBrokerException if the node failed, did not become ready in time, or the wait was
     *     interrupted or ended by closing
     */
    void await(BrokerNode node, long logOffset, BooleanSupplier closing) {
        QuietLogging.applyDefaults(QuietLogging.PROBE_LOGGERS, "warn");
        long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
        Throwable lastError = null;
        Admin admin = null;
        try {
            while (true) {
                if (closing.getAsBoolean()) {
                    throw new LocalKafkaBrokerException("broker " + settings.describe() + " closed while starting");
                }
                checkAlive(node, logOffset);
                if (acceptsConnections()) {
                    if (admin == null) {
                        admin = Admin.create(probeConfig());
                    }
                    try {
                        Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                                .nodes().get(3, TimeUnit.SECONDS);
                        if (!nodes.isEmpty()) {
                            return;
                        }
                    } catch (ExecutionException e) {
                        lastError = e.getCause();
                    } catch (TimeoutException e) {
                        lastError = e;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    checkAlive(node, logOffset);
                    throw new LocalKafkaBrokerException(describeFailure("did not become ready within "
                            + settings.startupTimeout().toSeconds() + " s" + (lastError == null ? ""
                            : " (last error: " + lastError + ")"), logOffset), lastError);
                }
                Thread.sleep(POLL_INTERVAL_MS); // a poll interval, not a synchronisation
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaBrokerException("interrupted while waiting for broker " + settings.describe(), e);
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    private void checkAlive(BrokerNode node, long logOffset) {
        node.startFailure().ifPresent(f -> {
            String message = describeFailure(f.what(), logOffset);
            throw f.cause() == null ? new LocalKafkaBrokerException(message)
                    : new LocalKafkaBrokerException(message, f.cause());
        });
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, settings.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Map<String, Object> probeConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-broker-probe");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        return config;
    }

    /** {@code Kafka broker <bootstrap> (<mode>, data <dir>) <what>}, then the log excerpt of a child. */
    private String describeFailure(String what, long logOffset) {
        StringBuilder message = new StringBuilder("Kafka broker ").append(settings.bootstrapServers()).append(" (")
                .append(settings.mode()).append(", data ").append(settings.dataDir()).append(") ").append(what);
        if (settings.mode() == LocalKafkaBroker.Mode.CHILD_PROCESS) {
            message.append(log.excerptSince(logOffset));
        } else {
            message.append("; the in-process broker logs through this JVM's slf4j binding");
        }
        return message.toString();
    }
}
