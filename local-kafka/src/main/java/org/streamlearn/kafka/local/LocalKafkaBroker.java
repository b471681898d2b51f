package org.streamlearn.kafka.local;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

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

        /** The JAAS login module a client of this mechanism uses. */
        String loginModule() {
            return this == PLAIN ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
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

    private static final int LOG_TAIL_LINES = 30;
    private static final int LOG_ERROR_LINES = 10;

    private final Path dataDir;
    private final boolean temporaryDataDir;
    private final int port;
    private final int controllerPort;
    private final int saslPort;
    private final SaslMechanism saslMechanism;
    private final Map<String, String> saslUsers;
    private final Mode mode;
    private final List<String> jvmOptions;
    private final String brokerLogLevel;
    private final String classpath;
    private final Duration startupTimeout;
    private final Duration shutdownTimeout;
    private final Map<String, String> serverProperties;

    private volatile Process process;
    private InProcessBroker inProcess;
    private boolean running;
    private boolean closed;
    private volatile boolean closing;
    private Thread shutdownHook;
    private Duration lastStartupTime;

    private LocalKafkaBroker(Builder b, Path dataDir, boolean temporaryDataDir, int port, int controllerPort,
            int saslPort) {
        this.dataDir = dataDir;
        this.temporaryDataDir = temporaryDataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.saslPort = saslPort;
        this.saslMechanism = b.saslMechanism;
        this.saslUsers = Collections.unmodifiableMap(new LinkedHashMap<>(b.saslUsers));
        this.mode = b.mode;
        List<String> options = new ArrayList<>();
        if (b.maxHeap != null) {
            options.add("-Xmx" + b.maxHeap);
        }
        options.addAll(b.jvmOptions);
        this.jvmOptions = List.copyOf(options);
        this.brokerLogLevel = b.brokerLogLevel;
        this.classpath = absoluteClasspath(b.classpath != null ? b.classpath : System.getProperty("java.class.path"));
        this.startupTimeout = b.startupTimeout;
        this.shutdownTimeout = b.shutdownTimeout;
        this.serverProperties = defaultServerProperties();
        b.serverProperties.forEach((k, v) -> {
            if (v == null) {
                serverProperties.remove(k);
            } else {
                serverProperties.put(k, v);
            }
        });
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
    public synchronized LocalKafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("this broker is closed");
        }
        if (running) {
            return this;
        }
        long t0 = System.nanoTime();
        Path propertiesFile = writeServerProperties();
        registerShutdownHook();
        long logOffset = logSize();
        String clusterId = KafkaStorage.newClusterId(); // used only if the storage is not formatted
        try {
            if (mode == Mode.CHILD_PROCESS) {
                startChild(propertiesFile, clusterId);
            } else {
                startInProcess(propertiesFile, clusterId);
            }
            awaitReady(logOffset);
        } catch (RuntimeException | Error e) {
            abortStart();
            throw e;
        }
        running = true;
        lastStartupTime = Duration.ofNanos(System.nanoTime() - t0);
        return this;
    }

    /** {@code "127.0.0.1:<port>"}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The PLAINTEXT (client) port. */
    public int port() {
        return port;
    }

    /** The CONTROLLER port. */
    public int controllerPort() {
        return controllerPort;
    }

    /**
     * {@code "127.0.0.1:<sasl port>"}: the {@code SASL_PLAINTEXT} listener's address.
     *
     * @throws IllegalStateException if the broker has no SASL listener
     */
    public String saslBootstrapServers() {
        requireSasl();
        return HOST + ":" + saslPort;
    }

    /** The SASL_PLAINTEXT port, or 0 without a SASL listener. */
    public int saslPort() {
        return saslPort;
    }

    /** The SASL listener's mechanism, or null without one. */
    public SaslMechanism saslMechanism() {
        return saslMechanism;
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
        requireSasl();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", saslMechanism.kafkaName());
        p.put("sasl.jaas.config", saslMechanism.loginModule() + " required username=\"" + user + "\" password=\""
                + password + "\";");
        return p;
    }

    private void requireSasl() {
        if (saslMechanism == null) {
            throw new IllegalStateException("this broker has no SASL listener (Builder.saslListener)");
        }
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether the data directory is a temporary one that {@link #close()} deletes. */
    public boolean hasTemporaryDataDir() {
        return temporaryDataDir;
    }

    /** The child broker's log file, {@code <dataDir>/broker.log} (not written in in-process mode). */
    public Path logFile() {
        return dataDir.resolve(LOG_FILE_NAME);
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** Whether the node has been started and not stopped (and, in child mode, its process is alive). */
    public synchronized boolean isRunning() {
        Process p = process;
        return running && (mode == Mode.IN_PROCESS || (p != null && p.isAlive()));
    }

    /** The child process id, while a child process runs. */
    public OptionalLong pid() {
        Process p = process;
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    /** How long the last successful {@link #start()} took, formatting included; null before any. */
    public synchronized Duration lastStartupTime() {
        return lastStartupTime;
    }

    /** The broker configuration written to {@code server.properties}, in file order. */
    public Map<String, String> serverProperties() {
        return Collections.unmodifiableMap(serverProperties);
    }

    /**
     * Stops the node gracefully and waits: SIGTERM to a child (forcibly killed if it has not exited
     * within the shutdown timeout), {@code shutdown()} in-process. Does nothing if it is not running.
     */
    public synchronized void stop() {
        try {
            if (process != null) {
                stopChild(process);
            }
            if (inProcess != null) {
                inProcess.stop();
            }
        } finally {
            process = null;
            inProcess = null;
            running = false;
        }
    }

    /**
     * Kills the child process with SIGKILL ({@code kill -9}) and waits for it to die. A later start
     * on the same data is slow (12 to 14 s): see the class comment.
     *
     * @throws UnsupportedOperationException in in-process mode
     */
    public synchronized void kill() {
        if (mode == Mode.IN_PROCESS) {
            throw new UnsupportedOperationException("kill() needs a child process broker");
        }
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        waitQuietly(p, Duration.ofSeconds(30));
        closeStreams(p);
        process = null;
        running = false;
    }

    /** {@link #stop()} then {@link #start()}: same data directory, same ports. */
    public synchronized LocalKafkaBroker restart() {
        stop();
        return start();
    }

    /** Stops the node and deletes a temporary data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            removeShutdownHook();
            if (temporaryDataDir) {
                deleteRecursively(dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaBroker[" + bootstrapServers() + ", " + mode + ", " + dataDir + "]";
    }

    // ---------------------------------------------------------------- child process

    private void startChild(Path propertiesFile, String clusterId) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // the broker's own file: complete and timestamped, whatever simplelogger.properties says
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + brokerLogLevel);
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS");
        command.add("-cp");
        command.add(classpath);
        command.add(BrokerMain.class.getName());
        command.add("--exit-on-stdin-eof");
        command.add("--format");
        command.add(clusterId);
        for (String entry : scramEntries()) {
            command.add("--add-scram");
            command.add(entry);
        }
        if (temporaryDataDir) {
            command.add("--delete-on-stdin-eof");
            command.add(dataDir.toString());
        }
        command.add(propertiesFile.toString());
        appendToLog("==== " + Instant.now() + " LocalKafkaBroker starting " + bootstrapServers()
                + " (controller " + HOST + ":" + controllerPort + "): "
                + String.join(" ", command.subList(0, command.indexOf("-cp"))) + " -cp <classpath> "
                + String.join(" ", command.subList(command.indexOf("-cp") + 2, command.size())));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        // standard input stays a pipe that this JVM never writes to: BrokerMain exits on its EOF
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LocalKafkaBrokerException("cannot start a child JVM for the broker: " + e.getMessage(), e);
        }
    }

    private void stopChild(Process p) {
        // SIGTERM: BrokerMain's shutdown hook shuts the node down gracefully. Not Process.destroy(),
        // which also closes the child's standard input: BrokerMain would take that for its parent's
        // death and delete a temporary data directory that restart() still needs.
        p.toHandle().destroy();
        if (!waitQuietly(p, shutdownTimeout)) {
            appendToLog("==== " + Instant.now() + " LocalKafkaBroker: no exit " + shutdownTimeout.toSeconds()
                    + " s after SIGTERM; killing");
            p.destroyForcibly();
            waitQuietly(p, Duration.ofSeconds(30));
        }
        closeStreams(p);
    }

    private static boolean waitQuietly(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static void closeStreams(Process p) {
        for (AutoCloseable stream : new AutoCloseable[] {p.getOutputStream(), p.getInputStream(), p.getErrorStream()}) {
            try {
                stream.close();
            } catch (Exception e) {
                // already closed or never opened
            }
        }
    }

    // ---------------------------------------------------------------- in-process

    private void startInProcess(Path propertiesFile, String clusterId) {
        QuietLogging.applyDefaults(QuietLogging.BROKER_LOGGERS, "error");
        QuietLogging.applyDefaults(QuietLogging.PROBE_LOGGERS, "warn"); // before the first KafkaConfig dump
        KafkaStorage.formatIfNeeded(propertiesFile, clusterId, scramEntries(),
                new PrintStream(OutputStream.nullOutputStream()));
        inProcess = new InProcessBroker(KafkaStorage.load(propertiesFile));
        inProcess.startAsync();
    }

    // ---------------------------------------------------------------- readiness

    private void awaitReady(long logOffset) {
        QuietLogging.applyDefaults(QuietLogging.PROBE_LOGGERS, "warn");
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        Throwable lastError = null;
        Admin admin = null;
        try {
            while (true) {
                if (closing) {
                    throw new LocalKafkaBrokerException("broker " + this + " closed while starting");
                }
                checkAlive(logOffset);
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
                    checkAlive(logOffset);
                    throw new LocalKafkaBrokerException(describeFailure("did not become ready within "
                            + startupTimeout.toSeconds() + " s" + (lastError == null ? "" : " (last error: "
                            + lastError + ")"), logOffset), lastError);
                }
                Thread.sleep(100); // a poll interval, not a synchronisation
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaBrokerException("interrupted while waiting for broker " + this, e);
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    private void checkAlive(long logOffset) {
        Process p = process;
        if (p != null && !p.isAlive()) {
            throw new LocalKafkaBrokerException(describeFailure("exited with code " + p.exitValue()
                    + " while starting", logOffset));
        }
        if (inProcess != null) {
            inProcess.failure().ifPresent(e -> {
                throw new LocalKafkaBrokerException(describeFailure("failed to start: " + e, logOffset), e);
            });
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Map<String, Object> probeConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-broker-probe");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        return config;
    }

    private String describeFailure(String what, long logOffset) {
        StringBuilder message = new StringBuilder("Kafka broker ").append(bootstrapServers()).append(" (")
                .append(mode).append(", data ").append(dataDir).append(") ").append(what);
        if (mode == Mode.CHILD_PROCESS) {
            List<String> lines = logLinesSince(logOffset);
            List<String> errors = lines.stream().filter(l -> l.contains(" ERROR ") || l.startsWith("BrokerMain:"))
                    .limit(LOG_ERROR_LINES).toList();
            if (!errors.isEmpty()) {
                message.append("\n---- first errors in ").append(logFile()).append(" ----\n")
                        .append(String.join("\n", errors));
            }
            message.append("\n---- last lines of ").append(logFile()).append(" ----\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())));
        } else {
            message.append("; the in-process broker logs through this JVM's slf4j binding");
        }
        return message.toString();
    }

    /** The log lines written since {@code fromOffset} (at most the last 4 MiB). */
    private List<String> logLinesSince(long fromOffset) {
        Path file = logFile();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            raf.seek(Math.min(Math.max(fromOffset, length - 4 * 1024 * 1024), length));
            byte[] bytes = new byte[(int) (length - raf.getFilePointer())];
            raf.readFully(bytes);
            return Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile()) ? Files.size(logFile()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(logFile(), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + logFile(), e);
        }
    }

    private void abortStart() {
        Process p = process;
        process = null;
        if (p != null) {
            p.destroyForcibly();
            waitQuietly(p, Duration.ofSeconds(30));
            closeStreams(p);
        }
        InProcessBroker b = inProcess;
        inProcess = null;
        if (b != null) {
            try {
                b.stop();
            } catch (RuntimeException e) {
                // the start failure is the one to report
            }
        }
    }

    // ---------------------------------------------------------------- configuration

    /** {@code StorageTool format --add-scram} entries: one per user of a SCRAM listener. */
    private List<String> scramEntries() {
        if (saslMechanism != SaslMechanism.SCRAM_SHA_512) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        saslUsers.forEach((user, password) -> entries.add(saslMechanism.kafkaName() + "=[name=" + user
                + ",password=" + password + "]"));
        return entries;
    }

    private Map<String, String> defaultServerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        if (saslMechanism == null) {
            p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        } else {
            p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + "," + SASL_LISTENER_NAME + "://" + HOST + ":"
                    + saslPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        }
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        if (saslMechanism == null) {
            p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        } else {
            p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,"
                    + SASL_LISTENER_NAME + ":SASL_PLAINTEXT");
            String prefix = "listener.name." + SASL_LISTENER_NAME.toLowerCase(java.util.Locale.ROOT) + ".";
            p.put(prefix + "sasl.enabled.mechanisms", saslMechanism.kafkaName());
            StringBuilder jaas = new StringBuilder(saslMechanism.loginModule()).append(" required");
            if (saslMechanism == SaslMechanism.PLAIN) {
                saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"")
                        .append(password).append('"'));
            }
            p.put(prefix + saslMechanism.kafkaName().toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    jaas.append(';').toString());
        }
        p.put("log.dirs", dataDir.resolve(KAFKA_DIR_NAME).toAbsolutePath().toString());
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

    private Path writeServerProperties() {
        StringBuilder text = new StringBuilder("# written by org.streamlearn.kafka.local.LocalKafkaBroker; rewritten at every start\n");
        serverProperties.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path file = dataDir.resolve(PROPERTIES_FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LocalKafkaBrokerException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

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

    // ---------------------------------------------------------------- JVM exit

    private void registerShutdownHook() {
        if (shutdownHook != null) {
            return;
        }
        shutdownHook = new Thread(this::closeOnJvmExit, "local-kafka-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs or has run
        }
    }

    private void closeOnJvmExit() {
        closing = true; // makes a start() in progress give up and release the lock
        Process p = process;
        if (p != null) {
            p.toHandle().destroy(); // SIGTERM now, before waiting for the lock
        }
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("LocalKafkaBroker: " + e.getMessage());
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new LocalKafkaBrokerException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- ports

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

    /** Configures a {@link LocalKafkaBroker}. */
    public static final class Builder {

        private Path dataDir;
        private int port;
        private int controllerPort;
        private Mode mode = Mode.CHILD_PROCESS;
        private String maxHeap = "512m";
        private String brokerLogLevel = "info";
        private final List<String> jvmOptions = new ArrayList<>();
        private String classpath;
        private Duration startupTimeout = Duration.ofSeconds(90);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private final Map<String, String> serverProperties = new LinkedHashMap<>();
        private SaslMechanism saslMechanism;
        private int saslPort;
        private final Map<String, String> saslUsers = new LinkedHashMap<>();

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
            this.saslPort = checkPort(port);
            return this;
        }

        /**
         * A user of the SASL listener. Names and passwords are 1 to 64 letters, digits or {@code . _ - + @}
         * (they are written into JAAS and {@code StorageTool} arguments unquoted).
         */
        public Builder saslUser(String name, String password) {
            saslUsers.put(credential("SASL user name", name), credential("password of SASL user " + name, password));
            return this;
        }

        private static String credential(String what, String value) {
            if (value == null || !value.matches("[A-Za-z0-9._+@-]{1,64}")) {
                throw new IllegalArgumentException(what + " must be 1 to 64 letters, digits or . _ - + @, got "
                        + (value == null ? "null" : "'" + value + "'"));
            }
            return value;
        }

        /** A data directory to use and keep (created if missing). Default: a temporary one, deleted on close. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The PLAINTEXT port on 127.0.0.1. Default: a free port. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The CONTROLLER port on 127.0.0.1. Default: a free port. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
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
            if (!List.of("trace", "debug", "info", "warn", "error").contains(level)) {
                throw new IllegalArgumentException("not a log level: " + level);
            }
            this.brokerLogLevel = level;
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
            this.startupTimeout = positive(timeout);
            return this;
        }

        /** How long {@link #stop()} waits for a graceful exit before killing. Default: 30 s. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = positive(timeout);
            return this;
        }

        /** Sets (or, with a null value, removes) a broker property, overriding the default. */
        public Builder serverProperty(String key, String value) {
            this.serverProperties.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Builds the broker, creating a temporary data directory and choosing free ports as needed. */
        public LocalKafkaBroker build() {
            if (mode == Mode.CHILD_PROCESS && classpath == null && System.getProperty("java.class.path", "").isEmpty()) {
                throw new IllegalStateException("no java.class.path to start a child broker with: set classpath(...)");
            }
            if (saslMechanism == null && (!saslUsers.isEmpty() || saslPort != 0)) {
                throw new IllegalStateException("SASL users or a SASL port without a SASL listener: call"
                        + " saslListener(mechanism)");
            }
            if (saslMechanism != null && saslUsers.isEmpty()) {
                throw new IllegalStateException("a SASL listener needs at least one user: call saslUser(name, password)");
            }
            int p = port;
            int c = controllerPort;
            int s = saslPort;
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
            if (saslMechanism != null && s == 0) {
                s = free.remove(0);
            }
            Path dir;
            boolean temporary;
            if (dataDir == null) {
                try {
                    dir = Files.createTempDirectory("streamlearn-kafka-");
                } catch (IOException e) {
                    throw new LocalKafkaBrokerException("cannot create a temporary data directory: " + e.getMessage(), e);
                }
                temporary = true;
            } else {
                dir = dataDir.toAbsolutePath();
                temporary = false;
            }
            return new LocalKafkaBroker(this, dir, temporary, p, c, s);
        }

        private static int checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }

        private static Duration positive(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + d);
            }
            return d;
        }
    }
}
