package org.streamlearn.kafka.local;

import static org.streamlearn.kafka.local.LocalKafkaBroker.HOST;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.streamlearn.kafka.local.LocalKafkaBroker.Mode;
import org.streamlearn.kafka.local.LocalKafkaBroker.SaslMechanism;

/**
 * The validated, immutable settings of one {@link LocalKafkaBroker}: what its {@link LocalKafkaBroker.Builder}
 * was given, with the defaults filled in, free ports chosen, the data directory created, the classpath made
 * absolute and {@code server.properties} rendered ({@link ServerProperties}).
 *
 * <p>{@link #of(LocalKafkaBroker.Builder)} does the checks that need all the settings at once (SASL users
 * without a listener, two listeners on one port); the static checks here serve the builder's setters, which
 * check each value as it is given.
 *
 * @param dataDir the absolute data directory
 * @param temporaryDataDir whether {@code dataDir} is a temporary directory that closing the broker deletes
 * @param port the PLAINTEXT port
 * @param controllerPort the CONTROLLER port
 * @param sasl the SASL listener, or null for none
 * @param mode where the node runs
 * @param jvmOptions the child JVM's options, {@code -Xmx} first
 * @param brokerLogLevel the child broker's slf4j-simple level
 * @param classpath the child JVM's classpath, every entry absolute
 * @param startupTimeout how long a start waits for readiness
 * @param shutdownTimeout how long a stop waits for a graceful exit
 * @param serverProperties the broker configuration in file order (unmodifiable)
 */
record BrokerSettings(Path dataDir, boolean temporaryDataDir, int port, int controllerPort, SaslListener sasl,
        Mode mode, List<String> jvmOptions, String brokerLogLevel, String classpath, Duration startupTimeout,
        Duration shutdownTimeout, Map<String, String> serverProperties) {

    /** The levels {@link LocalKafkaBroker.Builder#brokerLogLevel(String)} accepts. */
    static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error");

    /**
     * Checks the builder's settings together and resolves them: free ports for those not chosen (distinct, none
     * equal to a chosen one), a fresh temporary data directory if none was chosen.
     *
     * @throws IllegalStateException if the settings contradict each other
     * @throws IllegalArgumentException if two listeners were given one port
     * @throws LocalKafkaBrokerException if no free port or temporary directory can be had
     */
    static BrokerSettings of(LocalKafkaBroker.Builder b) {
        if (b.mode == Mode.CHILD_PROCESS && b.classpath == null && System.getProperty("java.class.path", "").isEmpty()) {
            throw new IllegalStateException("no java.class.path to start a child broker with: set classpath(...)");
        }
        if (b.saslMechanism == null && (!b.saslUsers.isEmpty() || b.saslPort != 0)) {
            throw new IllegalStateException("SASL users or a SASL port without a SASL listener: call"
                    + " saslListener(mechanism)");
        }
        if (b.saslMechanism != null && b.saslUsers.isEmpty()) {
            throw new IllegalStateException("a SASL listener needs at least one user: call saslUser(name, password)");
        }
        int p = b.port;
        int c = b.controllerPort;
        int s = b.saslPort;
        if ((p != 0 && (p == c || p == s)) || (c != 0 && c == s)) {
            throw new IllegalArgumentException("two listeners on one port: port " + p + ", controller port " + c
                    + ", SASL port " + s);
        }
        List<Integer> free = new ArrayList<>(); // distinct free ports, none equal to a chosen one
        for (int f : freePorts(6)) {
            if (f != p && f != c && f != s) {
                free.add(f);
            }
        }
        if (p == 0) {
            p = free.remove(0);
        }
        if (c == 0) {
            c = free.remove(0);
        }
        if (b.saslMechanism != null && s == 0) {
            s = free.remove(0);
        }
        SaslListener sasl = b.saslMechanism == null ? null : new SaslListener(b.saslMechanism, s, b.saslUsers);
        boolean temporary = b.dataDir == null;
        Path dir = temporary ? newTemporaryDataDir() : b.dataDir.toAbsolutePath();
        List<String> options = new ArrayList<>();
        if (b.maxHeap != null) {
            options.add("-Xmx" + b.maxHeap);
        }
        options.addAll(b.jvmOptions);
        String classpath = absoluteClasspath(b.classpath != null ? b.classpath : System.getProperty("java.class.path"));
        return new BrokerSettings(dir, temporary, p, c, sasl, b.mode, List.copyOf(options), b.brokerLogLevel,
                classpath, b.startupTimeout, b.shutdownTimeout,
                ServerProperties.render(dir, p, c, sasl, b.serverProperties));
    }

    /** {@code "127.0.0.1:<port>"}, for {@code bootstrap.servers}. */
    String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The SASL_PLAINTEXT port, or 0 without a SASL listener. */
    int saslPort() {
        return sasl == null ? 0 : sasl.port();
    }

    /** The SASL listener's mechanism, or null without one. */
    SaslMechanism saslMechanism() {
        return sasl == null ? null : sasl.mechanism();
    }

    /**
     * The SASL listener.
     *
     * @throws IllegalStateException if there is none
     */
    SaslListener requireSasl() {
        if (sasl == null) {
            throw new IllegalStateException("this broker has no SASL listener (Builder.saslListener)");
        }
        return sasl;
    }

    /** {@code <dataDir>/broker.log}. */
    Path logFile() {
        return dataDir.resolve(LocalKafkaBroker.LOG_FILE_NAME);
    }

    /** {@code LocalKafkaBroker[<bootstrap servers>, <mode>, <data dir>]}: the broker in messages. */
    String describe() {
        return "LocalKafkaBroker[" + bootstrapServers() + ", " + mode + ", " + dataDir + "]";
    }

    /** Checks a port given to the builder: 1 to 65535. */
    static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port;
    }

    /** Checks a timeout given to the builder: positive. */
    static Duration positive(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + d);
        }
        return d;
    }

    /** Checks a log level given to the builder: one of {@link #LOG_LEVELS}. */
    static String logLevel(String level) {
        if (!LOG_LEVELS.contains(level)) {
            throw new IllegalArgumentException("not a log level: " + level);
        }
        return level;
    }

    private static Path newTemporaryDataDir() {
        try {
            return Files.createTempDirectory("streamlearn-kafka-");
        } catch (IOException e) {
            throw new LocalKafkaBrokerException("cannot create a temporary data directory: " + e.getMessage(), e);
        }
    }

    /** The classpath with every entry absolute, as the child runs in the data directory. */
    private static String absoluteClasspath(String classpath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(Pattern.quote(File.pathSeparator))) {
            if (entry.isEmpty()) {
                continue;
            }
            try {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            } catch (InvalidPathException e) {
                entries.add(entry); // e.g. a wildcard entry on Windows
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** {@code count} distinct ports that were free on {@link LocalKafkaBroker#HOST} a moment ago. */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                socket.setReuseAddress(true);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new LocalKafkaBrokerException("cannot find a free port on " + HOST + ": " + e.getMessage(), e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // nothing to do
                }
            }
        }
    }
}
