package org.streamlearn.kafka.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.streamlearn.kafka.local.LocalKafkaBroker.Mode;

/**
 * The life of one {@link LocalKafkaBroker}: start (write {@code server.properties}, launch a {@link BrokerNode},
 * await readiness, or undo it all), stop, kill, restart and close, the JVM shutdown hook, and the deletion of a
 * temporary data directory.
 *
 * <p>States: not running, running, closed (final). A start that fails ends its node at once ({@link
 * BrokerNode#abort()}) and leaves the broker not running. The shutdown hook is registered at the first start and
 * removed by {@link #close()}; when the JVM exits it sends the node SIGTERM before it waits for the lock, so
 * that a start in progress gives up ({@code closing}) instead of holding the lock for its whole timeout.
 *
 * <p>Methods are synchronized, except {@link #pid()} and the shutdown hook's first steps, which read the
 * volatile node.
 */
final class BrokerLifecycle {

    private final BrokerSettings settings;
    private final BrokerLog log;
    private final ReadinessProbe probe;

    private volatile BrokerNode node;
    private boolean running;
    private boolean closed;
    private volatile boolean closing;
    private Thread shutdownHook;
    private Duration lastStartupTime;

    BrokerLifecycle(BrokerSettings settings) {
        this.settings = settings;
        this.log = new BrokerLog(settings.logFile());
        this.probe = new ReadinessProbe(settings, log);
    }

    /**
     * Starts the node, formatting the storage first if needed, and waits until it serves requests. Does
     * nothing if it is running.
     *
     * @throws IllegalStateException if closed
     * @throws LocalKafkaBrokerException if it did not become ready within the startup timeout, or died
     */
    synchronized void start() {
        if (closed) {
            throw new IllegalStateException("this broker is closed");
        }
        if (running) {
            return;
        }
        long t0 = System.nanoTime();
        Path propertiesFile = ServerProperties.write(settings.dataDir(), settings.serverProperties());
        registerShutdownHook();
        long logOffset = log.size();
        String clusterId = KafkaStorage.newClusterId(); // used only if the storage is not formatted
        try {
            if (settings.mode() == Mode.CHILD_PROCESS) {
                node = ChildBrokerProcess.launch(settings, log, propertiesFile, clusterId);
            } else {
                node = InProcessBroker.launch(propertiesFile, clusterId, SaslListener.scramEntries(settings.sasl()));
            }
            probe.await(node, logOffset, () -> closing);
        } catch (RuntimeException | Error e) {
            abortStart();
            throw e;
        }
        running = true;
        lastStartupTime = Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Whether the node has been started and not stopped, and (in child mode) its process is alive. */
    synchronized boolean isRunning() {
        BrokerNode n = node;
        return running && n != null && n.isAlive();
    }

    /** The child process id, while a child process runs. */
    OptionalLong pid() {
        BrokerNode n = node;
        return n == null ? OptionalLong.empty() : n.pid();
    }

    /** How long the last successful start took, formatting included; null before any. */
    synchronized Duration lastStartupTime() {
        return lastStartupTime;
    }

    /** Stops the node gracefully and waits ({@link BrokerNode#stop()}). Nothing if it is not running. */
    synchronized void stop() {
        try {
            if (node != null) {
                node.stop();
            }
        } finally {
            node = null;
            running = false;
        }
    }

    /**
     * Kills the child process with SIGKILL and waits for it to die.
     *
     * @throws UnsupportedOperationException in in-process mode
     */
    synchronized void kill() {
        if (settings.mode() == Mode.IN_PROCESS) {
            throw new UnsupportedOperationException("kill() needs a child process broker");
        }
        BrokerNode n = node;
        if (n == null) {
            return;
        }
        n.abort();
        node = null;
        running = false;
    }

    /** {@link #stop()} then {@link #start()}, under one lock. */
    synchronized void restart() {
        stop();
        start();
    }

    /** Stops the node, removes the shutdown hook and deletes a temporary data directory. Idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            removeShutdownHook();
            if (settings.temporaryDataDir()) {
                KafkaStorage.deleteRecursively(settings.dataDir());
            }
        }
    }

    private void abortStart() {
        BrokerNode n = node;
        node = null;
        if (n != null) {
            n.abort();
        }
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
        BrokerNode n = node;
        if (n != null) {
            n.signalShutdown(); // SIGTERM now, before waiting for the lock
        }
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("LocalKafkaBroker: " + e.getMessage());
        }
    }
}
