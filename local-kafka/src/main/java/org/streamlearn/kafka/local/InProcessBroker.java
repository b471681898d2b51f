package org.streamlearn.kafka.local;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.utils.Time;

/**
 * A KRaft node in this JVM: {@code KafkaRaftServer} built from the same properties that
 * {@code kafka.Kafka} would read. Kept apart from {@link LocalKafkaBroker} so that the broker
 * classes load only when this mode is used.
 *
 * <p>The server classes are reached by reflection: {@code KafkaConfig} extends a class of
 * {@code kafka-server}, which {@code kafka_2.13} brings in at runtime scope only, so it cannot be
 * compiled against without a pom change. Equivalent to
 * {@code new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM)}.
 *
 * <p>Used twice: by {@link BrokerMain}, the child JVM's main class, and as the {@link BrokerNode} of a
 * {@link LocalKafkaBroker} in {@link LocalKafkaBroker.Mode#IN_PROCESS} mode ({@link #launch}).
 *
 * <p>Caveat: a fatal broker fault calls {@code Exit.halt}, which ends this whole JVM.
 */
final class InProcessBroker implements BrokerNode {

    private final Object server; // kafka.server.KafkaRaftServer
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    InProcessBroker(Properties serverProperties) {
        try {
            Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
            Object config = configClass.getMethod("fromProps", Properties.class, boolean.class)
                    .invoke(null, serverProperties, false);
            this.server = Class.forName("kafka.server.KafkaRaftServer").getConstructor(configClass, Time.class)
                    .newInstance(config, Time.SYSTEM);
        } catch (InvocationTargetException e) {
            throw new LocalKafkaBrokerException("invalid broker configuration: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new LocalKafkaBrokerException("kafka_2.13 is not usable on the classpath: " + e, e);
        }
    }

    /**
     * The in-process node of a {@link LocalKafkaBroker}: quietens the broker's and the probe's loggers in this
     * JVM ({@link QuietLogging}), formats the storage if needed (its output discarded) and starts the node on a
     * daemon thread. Readiness is the caller's to await.
     */
    static InProcessBroker launch(Path propertiesFile, String clusterId, List<String> scramEntries) {
        QuietLogging.applyDefaults(QuietLogging.BROKER_LOGGERS, "error");
        QuietLogging.applyDefaults(QuietLogging.PROBE_LOGGERS, "warn"); // before the first KafkaConfig dump
        KafkaStorage.formatIfNeeded(propertiesFile, clusterId, scramEntries,
                new PrintStream(OutputStream.nullOutputStream()));
        InProcessBroker broker = new InProcessBroker(KafkaStorage.load(propertiesFile));
        broker.startAsync();
        return broker;
    }

    /** Starts the node and returns once it serves requests; throws if startup failed. */
    void startup() {
        call("startup");
    }

    /** Blocks until the node has shut down. */
    void awaitShutdown() {
        call("awaitShutdown");
    }

    /** Starts the node on a daemon thread; {@link #failure()} reports a failed startup. */
    void startAsync() {
        Thread starter = new Thread(() -> {
            try {
                call("startup");
                started.complete(null);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "local-kafka-broker-startup");
        starter.setDaemon(true);
        starter.start();
    }

    /** The startup failure, if startup failed. */
    Optional<Throwable> failure() {
        if (!started.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            started.get();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Shuts the node down and waits until it has stopped. Safe to call more than once. */
    @Override
    public void stop() {
        call("shutdown");
        awaitShutdown();
    }

    /** Empty: the node is this JVM. */
    @Override
    public OptionalLong pid() {
        return OptionalLong.empty();
    }

    /** True: a node in this JVM counts as running until it is stopped (a fatal fault halts the JVM). */
    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public Optional<StartFailure> startFailure() {
        return failure().map(e -> new StartFailure("failed to start: " + e, e));
    }

    /** Nothing: a JVM shutdown stops this node through its owner's shutdown hook. */
    @Override
    public void signalShutdown() {
    }

    /** {@link #stop()}, its errors ignored. */
    @Override
    public void abort() {
        try {
            stop();
        } catch (RuntimeException e) {
            // the start failure is the one to report
        }
    }

    private void call(String method) {
        try {
            server.getClass().getMethod(method).invoke(server);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new LocalKafkaBrokerException("broker " + method + " failed: " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new LocalKafkaBrokerException("kafka_2.13 is not usable on the classpath: " + e, e);
        }
    }
}
