package org.streamlearn.kafka.local;

import static org.streamlearn.kafka.local.LocalKafkaBroker.HOST;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A KRaft node in a child JVM: the launcher of {@link BrokerMain} and the handle of the running process.
 *
 * <p>The child runs {@code java <jvm options> -Dorg.slf4j.simpleLogger.* -cp <classpath> BrokerMain
 * --exit-on-stdin-eof --format <cluster id> [--add-scram ENTRY]... [--delete-on-stdin-eof <dataDir>]
 * server.properties} in the data directory. Its standard output and error are appended to the {@link BrokerLog},
 * after a {@code ====} line with the command (the classpath left out). Its standard input stays a pipe that
 * this JVM never writes to: the child exits when that pipe closes, which the operating system does when this
 * JVM dies by any means.
 */
final class ChildBrokerProcess implements BrokerNode {

    /** How long a forcibly killed child may take to die. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final BrokerLog log;
    private final Duration shutdownTimeout;

    private ChildBrokerProcess(Process process, BrokerLog log, Duration shutdownTimeout) {
        this.process = process;
        this.log = log;
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * Starts the child JVM and returns without waiting for the broker; the child formats the storage with
     * {@code clusterId} if it is not formatted yet.
     *
     * @throws LocalKafkaBrokerException if the JVM cannot be started
     */
    static ChildBrokerProcess launch(BrokerSettings settings, BrokerLog log, Path propertiesFile, String clusterId) {
        List<String> command = command(settings, propertiesFile, clusterId);
        int cp = command.indexOf("-cp");
        log.append("==== " + Instant.now() + " LocalKafkaBroker starting " + settings.bootstrapServers()
                + " (controller " + HOST + ":" + settings.controllerPort() + "): "
                + String.join(" ", command.subList(0, cp)) + " -cp <classpath> "
                + String.join(" ", command.subList(cp + 2, command.size())));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(settings.dataDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.file().toFile()));
        // standard input stays a pipe that this JVM never writes to: BrokerMain exits on its EOF
        try {
            return new ChildBrokerProcess(builder.start(), log, settings.shutdownTimeout());
        } catch (IOException e) {
            throw new LocalKafkaBrokerException("cannot start a child JVM for the broker: " + e.getMessage(), e);
        }
    }

    /** The child's command line. */
    static List<String> command(BrokerSettings settings, Path propertiesFile, String clusterId) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.jvmOptions());
        // the broker's own file: complete and timestamped, whatever simplelogger.properties says
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + settings.brokerLogLevel());
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS");
        command.add("-cp");
        command.add(settings.classpath());
        command.add(BrokerMain.class.getName());
        command.add("--exit-on-stdin-eof");
        command.add("--format");
        command.add(clusterId);
        for (String entry : SaslListener.scramEntries(settings.sasl())) {
            command.add("--add-scram");
            command.add(entry);
        }
        if (settings.temporaryDataDir()) {
            command.add("--delete-on-stdin-eof");
            command.add(settings.dataDir().toString());
        }
        command.add(propertiesFile.toString());
        return command;
    }

    @Override
    public OptionalLong pid() {
        return process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public Optional<StartFailure> startFailure() {
        return process.isAlive() ? Optional.empty()
                : Optional.of(new StartFailure("exited with code " + process.exitValue() + " while starting", null));
    }

    @Override
    public void signalShutdown() {
        process.toHandle().destroy();
    }

    /**
     * SIGTERM (BrokerMain's shutdown hook shuts the node down gracefully), then SIGKILL if the child has not
     * exited within the shutdown timeout. Not {@link Process#destroy()}, which also closes the child's standard
     * input: BrokerMain would take that for its parent's death and delete a temporary data directory that a
     * restart still needs.
     */
    @Override
    public void stop() {
        process.toHandle().destroy();
        if (!waitQuietly(shutdownTimeout)) {
            log.append("==== " + Instant.now() + " LocalKafkaBroker: no exit " + shutdownTimeout.toSeconds()
                    + " s after SIGTERM; killing");
            process.destroyForcibly();
            waitQuietly(KILL_WAIT);
        }
        closeStreams();
    }

    /** SIGKILL ({@code kill -9}), then waits for the child to die. */
    @Override
    public void abort() {
        process.destroyForcibly();
        waitQuietly(KILL_WAIT);
        closeStreams();
    }

    private boolean waitQuietly(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void closeStreams() {
        for (AutoCloseable stream : new AutoCloseable[] {process.getOutputStream(), process.getInputStream(),
                process.getErrorStream()}) {
            try {
                stream.close();
            } catch (Exception e) {
                // already closed or never opened
            }
        }
    }
}
