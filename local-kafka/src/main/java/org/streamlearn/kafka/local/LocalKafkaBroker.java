package org.streamlearn.kafka.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A real single-node Kafka cluster on {@code 127.0.0.1}: one KRaft node that is both broker and
 * controller, run from the {@code kafka_2.13} jars on the classpath. No Docker, no download.
 *
 * <pre>{@code
 * try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
 *     String bootstrap = broker.bootstrapServers(); // "127.0.0.1:<port>"
 *     ...
 * } // stops the broker and deletes its temporary data directory
 * }</pre>
 *
 * <p><b>Storage.</b> Everything lives in the data directory: {@code server.properties}, the
 * Kafka log and metadata directory {@code kraft-data/}, and (child mode) {@code broker.log}. By
 * default the data directory is a fresh temporary directory that {@link #close()} deletes; a
 * directory chosen with {@link Builder#dataDir(Path)} is kept, and a later broker on it finds its
 * topics and offsets again. {@link #start()} formats the storage ({@code StorageTool format
 * --standalone}, with a random cluster id) only when it is not formatted yet. A later broker on a
 * chosen directory may use other ports (measured: a single voter elects itself whatever its
 * controller address), so set {@link Builder#port(int)} for a stable bootstrap address.
 *
 * <p><b>Modes.</b> {@link Mode#CHILD_PROCESS} (the default) runs the node in a child JVM,
 * {@code java -Xmx512m -cp <this JVM's classpath> org.streamlearn.kafka.local.BrokerMain}, whose
 * standard output and error are appended to {@code <dataDir>/broker.log}. The child exits when
 * this JVM dies, even by {@code kill -9}: it watches its standard input, a pipe held by this JVM,
 * for end of file, then shuts down gracefully and deletes a temporary data directory (see {@link
 * BrokerMain}). On a normal exit or Ctrl-C, a JVM shutdown hook of this JVM closes the broker.
 * {@link Mode#IN_PROCESS} runs {@code KafkaRaftServer} in this JVM: it restarts faster, but the
 * broker logs through this JVM's slf4j binding (broker loggers default to ERROR, see {@code
 * QuietLogging}), {@link #kill()} is not available, and a fatal broker fault halts this JVM.
 *
 * <p><b>Readiness.</b> {@link #start()} returns once the port accepts connections and an admin
 * client's {@code describeCluster} succeeds. Otherwise it throws a {@link
 * LocalKafkaBrokerException}, as soon as a child exits or after the startup timeout; for a child
 * the message quotes the first ERROR lines and the last lines that this start wrote to
 * {@code broker.log}.
 *
 * <p><b>Restarts.</b> {@link #restart()} is {@link #stop()} (SIGTERM, a graceful shutdown) then
 * {@link #start()} on the same data and ports. After {@link #kill()} ({@code kill -9}), a start on
 * the same data is slow (measured 12 to 14 s, against 3 to 5 s after a graceful stop), as the
 * controller waits for the dead broker's session to expire: tests that kill a broker should go on
 * with a fresh data directory.
 *
 * <p><b>SASL.</b> {@link Builder#saslListener(SaslMechanism)} adds a {@code SASL_PLAINTEXT} listener on a
 * further port ({@link #saslBootstrapServers()}) with {@code PLAIN} or {@code SCRAM-SHA-512} and the users of
 * {@link Builder#saslUser(String, String)}; the PLAINTEXT listener stays, for the controller, inter-broker
 * traffic and the readiness probe. PLAIN users are listed in the listener's JAAS configuration in
 * {@code server.properties}; SCRAM users are created when the storage is formatted ({@code StorageTool format
 * --add-scram}), so a kept data directory keeps the users of its first start. Credentials are test
 * credentials: they are written to {@code server.properties} (PLAIN) or passed on the child's command line
 * (SCRAM). {@link #saslClientProperties(String, String)} gives the client settings for a user.
 *
 * <p>Methods are thread-safe (synchronized). Ports are chosen when the broker is built.
 *
 * <p>This class is the public face only; it is longer than the house's 350 lines for that reason alone:
 * the nested {@link Builder} and the two enums are API that callers name ({@code LocalKafkaBroker.Builder},
 * {@code LocalKafkaBroker.SaslMechanism}), so they stay nested. The work is done by the package-private parts
 * that the package documentation lists.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** Where the node runs. */
    public enum Mode {
        /** A child JVM running {@link BrokerMain}: isolated, killable, logs to {@code broker.log}. */
        CHILD_PROCESS,
        /** {@code KafkaRaftServer} in this JVM. */
        IN_PROCESS
    }

    /** The SASL mechanisms a {@code SASL_PLAINTEXT} listener can offer. */
    public enum SaslMechanism {
        /** {@code PLAIN}: user names and passwords in the listener's JAAS configuration. */
        PLAIN("PLAIN"),
        /** {@code SCRAM-SHA-512}: credentials in the cluster metadata, created when the storage is formatted. */
        SCRAM_SHA_512("SCRAM-SHA-512");

        private final String kafkaName;

        SaslMechanism(String kafkaName) {
            this.kafkaName = kafkaName;
        }

        /** The name Kafka uses ({@code sasl.mechanism}). */
        public String kafkaName() {
            return kafkaName;
        }
    }

    /** The listener name of the SASL listener. */
    public static final String SASL_LISTENER_NAME = "SASL_PLAINTEXT";

    /** The host every listener binds to and advertises. */
    public static final String HOST = "127.0.0.1";
    /** Name of the child broker's log file in the data directory. */
    public static final String LOG_FILE_NAME = "broker.log";
    /** Name of the generated broker configuration in the data directory. */
    public static final String PROPERTIES_FILE_NAME = "server.properties";
    /** Name of the Kafka log (and metadata) directory inside the data directory. */
    public static final String KAFKA_DIR_NAME = "kraft-data";

    private final BrokerSettings settings;
    private final BrokerLifecycle lifecycle;

    private LocalKafkaBroker(BrokerSettings settings) {
        this.settings = settings;
        this.lifecycle = new BrokerLifecycle(settings);
    }

    /** A builder with the defaults: temporary data directory, free ports, child process, -Xmx512m. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the node, formatting the storage first if needed, and waits until it serves requests.
     * Does nothing if it is running.
     *
     * @return this broker
     * @throws LocalKafkaBrokerException if it did not become ready within the startup timeout, or died
     */
    public LocalKafkaBroker start() {
        lifecycle.start();
        return this;
    }

    /** {@code "127.0.0.1:<port>"}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return settings.bootstrapServers();
    }

    /** The PLAINTEXT (client) port. */
    public int port() {
        return settings.port();
    }

    /** The CONTROLLER port. */
    public int controllerPort() {
        return settings.controllerPort();
    }

    /**
     * {@code "127.0.0.1:<sasl port>"}: the {@code SASL_PLAINTEXT} listener's address.
     *
     * @throws IllegalStateException if the broker has no SASL listener
     */
    public String saslBootstrapServers() {
        return settings.requireSasl().bootstrapServers();
    }

    /** The SASL_PLAINTEXT port, or 0 without a SASL listener. */
    public int saslPort() {
        return settings.saslPort();
    }

    /** The SASL listener's mechanism, or null without one. */
    public SaslMechanism saslMechanism() {
        return settings.saslMechanism();
    }

    /**
     * The client settings that log in to the SASL listener as {@code user} with {@code password} (which need
     * not be right: a test of wrong credentials uses them too): {@code security.protocol}, {@code
     * sasl.mechanism} and {@code sasl.jaas.config}. Add {@code bootstrap.servers} = {@link
     * #saslBootstrapServers()}.
     *
     * @throws IllegalStateException if the broker has no SASL listener
     */
    public Map<String, String> saslClientProperties(String user, String password) {
        return settings.requireSasl().clientProperties(user, password);
    }

    /** The data directory. */
    public Path dataDir() {
        return settings.dataDir();
    }

    /** Whether the data directory is a temporary one that {@link #close()} deletes. */
    public boolean hasTemporaryDataDir() {
        return settings.temporaryDataDir();
    }

    /** The child broker's log file, {@code <dataDir>/broker.log} (not written in in-process mode). */
    public Path logFile() {
        return settings.logFile();
    }

    /** The mode. */
    public Mode mode() {
        return settings.mode();
    }

    /** Whether the node has been started and not stopped (and, in child mode, its process is alive). */
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    /** The child process id, while a child process runs. */
    public OptionalLong pid() {
        return lifecycle.pid();
    }

    /** How long the last successful {@link #start()} took, formatting included; null before any. */
    public Duration lastStartupTime() {
        return lifecycle.lastStartupTime();
    }

    /** The broker configuration written to {@code server.properties}, in file order. */
    public Map<String, String> serverProperties() {
        return settings.serverProperties();
    }

    /**
     * Stops the node gracefully and waits: SIGTERM to a child (forcibly killed if it has not exited
     * within the shutdown timeout), {@code shutdown()} in-process. Does nothing if it is not running.
     */
    public void stop() {
        lifecycle.stop();
    }

    /**
     * Kills the child process with SIGKILL ({@code kill -9}) and waits for it to die. A later start
     * on the same data is slow (12 to 14 s): see the class comment.
     *
     * @throws UnsupportedOperationException in in-process mode
     */
    public void kill() {
        lifecycle.kill();
    }

    /** {@link #stop()} then {@link #start()}: same data directory, same ports. */
    public LocalKafkaBroker restart() {
        lifecycle.restart();
        return this;
    }

    /** Stops the node and deletes a temporary data directory. Idempotent. */
    @Override
    public void close() {
        lifecycle.close();
    }

    @Override
    public String toString() {
        return settings.describe();
    }

    /** Configures a {@link LocalKafkaBroker}; {@code BrokerSettings} reads and checks the fields at build. */
    public static final class Builder {

        Path dataDir;
        int port;
        int controllerPort;
        Mode mode = Mode.CHILD_PROCESS;
        String maxHeap = "512m";
        String brokerLogLevel = "info";
        final List<String> jvmOptions = new ArrayList<>();
        String classpath;
        Duration startupTimeout = Duration.ofSeconds(90);
        Duration shutdownTimeout = Duration.ofSeconds(30);
        final Map<String, String> serverProperties = new LinkedHashMap<>();
        SaslMechanism saslMechanism;
        int saslPort;
        final Map<String, String> saslUsers = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a {@code SASL_PLAINTEXT} listener with {@code mechanism} on a further port (the PLAINTEXT one
         * stays); give it users with {@link #saslUser(String, String)}.
         */
        public Builder saslListener(SaslMechanism mechanism) {
            this.saslMechanism = Objects.requireNonNull(mechanism, "mechanism");
            return this;
        }

        /** The SASL_PLAINTEXT port on 127.0.0.1. Default: a free port. */
        public Builder saslPort(int port) {
            this.saslPort = BrokerSettings.checkPort(port);
            return this;
        }

        /**
         * A user of the SASL listener. Names and passwords are 1 to 64 letters, digits or {@code . _ - + @}
         * (they are written into JAAS and {@code StorageTool} arguments unquoted).
         */
        public Builder saslUser(String name, String password) {
            saslUsers.put(SaslListener.credential("SASL user name", name),
                    SaslListener.credential("password of SASL user " + name, password));
            return this;
        }

        /** A data directory to use and keep (created if missing). Default: a temporary one, deleted on close. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The PLAINTEXT port on 127.0.0.1. Default: a free port. */
        public Builder port(int port) {
            this.port = BrokerSettings.checkPort(port);
            return this;
        }

        /** The CONTROLLER port on 127.0.0.1. Default: a free port. */
        public Builder controllerPort(int port) {
            this.controllerPort = BrokerSettings.checkPort(port);
            return this;
        }

        /** The mode. Default: {@link Mode#CHILD_PROCESS}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Shorthand for {@code mode(Mode.IN_PROCESS)}. */
        public Builder inProcess() {
            return mode(Mode.IN_PROCESS);
        }

        /** Shorthand for {@code mode(Mode.CHILD_PROCESS)}. */
        public Builder childProcess() {
            return mode(Mode.CHILD_PROCESS);
        }

        /** The child JVM's maximum heap, as for {@code -Xmx} (e.g. {@code "512m"}); null for the JVM default. */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        /**
         * The level of the child broker's logging to {@code broker.log}: trace, debug, info, warn or
         * error. Default: info, as Kafka's own {@code server.log}.
         */
        public Builder brokerLogLevel(String level) {
            this.brokerLogLevel = BrokerSettings.logLevel(level);
            return this;
        }

        /** Adds an option for the child JVM, e.g. {@code -XX:+UseSerialGC}. */
        public Builder jvmOption(String option) {
            this.jvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        /** The child JVM's classpath. Default: this JVM's {@code java.class.path}. */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /** How long {@link #start()} waits for the broker. Default: 90 s. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = BrokerSettings.positive(timeout);
            return this;
        }

        /** How long {@link #stop()} waits for a graceful exit before killing. Default: 30 s. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = BrokerSettings.positive(timeout);
            return this;
        }

        /** Sets (or, with a null value, removes) a broker property, overriding the default. */
        public Builder serverProperty(String key, String value) {
            this.serverProperties.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Builds the broker, creating a temporary data directory and choosing free ports as needed. */
        public LocalKafkaBroker build() {
            return new LocalKafkaBroker(BrokerSettings.of(this));
        }
    }
}
