package org.streamlearn.kafka.local;

import static org.streamlearn.kafka.local.LocalKafkaBroker.HOST;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code server.properties} of a single KRaft node that is both broker and controller: its rendering from
 * the ports, the data directory and the SASL listener, and its writing into the data directory.
 *
 * <p>The defaults are those a single node needs (see {@code KAFKA-NOTES.md}): a PLAINTEXT listener for clients,
 * inter-broker traffic and the readiness probe, a CONTROLLER listener, the optional {@code SASL_PLAINTEXT}
 * listener, and every replication factor and min ISR set to 1, without which consumers and transactions hang.
 * A few thread counts are lowered for a laptop or a 2-core CI machine.
 */
final class ServerProperties {

    /** The first line of the written file. */
    static final String HEADER = "# written by org.streamlearn.kafka.local.LocalKafkaBroker; rewritten at every start";

    private ServerProperties() {
    }

    /**
     * The broker configuration, in file order: the defaults, then {@code overrides} (a null value removes a key).
     *
     * @param dataDir the data directory; the Kafka log directory is its {@link LocalKafkaBroker#KAFKA_DIR_NAME}
     * @param sasl the SASL listener, or null for none
     * @return an unmodifiable map
     */
    static Map<String, String> render(Path dataDir, int port, int controllerPort, SaslListener sasl,
            Map<String, String> overrides) {
        Map<String, String> p = defaults(dataDir, port, controllerPort, sasl);
        overrides.forEach((k, v) -> {
            if (v == null) {
                p.remove(k);
            } else {
                p.put(k, v);
            }
        });
        return Collections.unmodifiableMap(p);
    }

    private static Map<String, String> defaults(Path dataDir, int port, int controllerPort, SaslListener sasl) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        String plaintext = "PLAINTEXT://" + HOST + ":" + port;
        String controller = "CONTROLLER://" + HOST + ":" + controllerPort;
        p.put("listeners", sasl == null ? plaintext + "," + controller
                : plaintext + "," + sasl.listener() + "," + controller);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        if (sasl == null) {
            p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        } else {
            p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,"
                    + LocalKafkaBroker.SASL_LISTENER_NAME + ":SASL_PLAINTEXT");
            sasl.putServerProperties(p);
        }
        p.put("log.dirs", dataDir.resolve(LocalKafkaBroker.KAFKA_DIR_NAME).toAbsolutePath().toString());
        // a single node: every replication factor and min ISR is 1, or consumers and transactions hang
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a small footprint on a laptop or a 2-core CI machine
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        return p;
    }

    /**
     * Writes {@code properties} to {@code <dataDir>/server.properties}, creating the directory if needed.
     * Backslashes in values are escaped, as the properties format reads them as escapes.
     *
     * @return the file
     * @throws LocalKafkaBrokerException if it cannot be written
     */
    static Path write(Path dataDir, Map<String, String> properties) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        properties.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path file = dataDir.resolve(LocalKafkaBroker.PROPERTIES_FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LocalKafkaBrokerException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
