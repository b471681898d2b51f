package org.streamlearn.kafka.local;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One run of the KRaft node, from its launch to its end: a child JVM ({@link ChildBrokerProcess}) or a
 * server in this JVM ({@link InProcessBroker}). {@link BrokerLifecycle} holds at most one at a time.
 */
interface BrokerNode {

    /** Why a node did not start: {@code what} completes the failure message, {@code cause} may be null. */
    record StartFailure(String what, Throwable cause) {
    }

    /** The process id while a child process is alive; empty in this JVM. */
    OptionalLong pid();

    /** Whether the node still runs, as far as can be told without asking it over the network. */
    boolean isAlive();

    /** Why the node has already failed to start, if it has: a child that exited, a startup that threw. */
    Optional<StartFailure> startFailure();

    /** Asks the node to shut down (SIGTERM to a child) and returns at once. Nothing in this JVM. */
    void signalShutdown();

    /** Shuts the node down gracefully and waits until it has stopped. */
    void stop();

    /**
     * Ends the node at once and waits: SIGKILL to a child; a node in this JVM is shut down, its errors ignored
     * (used after a failed start, whose failure is the one to report).
     */
    void abort();
}
