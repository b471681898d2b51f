package org.streamlearn.app.service;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.errors.TopologyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one Kafka Streams instance for failures the process cannot recover from, so that
 * {@code streamlearn run} can log the reason and exit non-zero instead of staying up, live and useless.
 *
 * <p>A failure is, whichever comes first:
 * <ul>
 * <li>an uncaught stream-thread exception that is fatal ({@link #isFatal}: missing source topics, an
 *     authentication or authorization error, an unsupported protocol version, a topology error, or a JVM
 *     {@link Error}); the handler answers {@code SHUTDOWN_CLIENT}. Any other exception replaces the thread, as
 *     before, with a warning;</li>
 * <li>Kafka Streams reaching {@code PENDING_ERROR} or {@code ERROR};</li>
 * <li>Kafka Streams shutting down ({@code PENDING_SHUTDOWN}, {@code NOT_RUNNING}) when nobody asked it to
 *     ({@link #closing()} not called);</li>
 * <li>any other component calling {@link #fail(String)} (a fatal client error outside Kafka Streams).</li>
 * </ul>
 * The first reason wins; {@link #failure()} completes with it.
 */
public final class FailureWatch {

    private static final Logger LOG = LoggerFactory.getLogger(FailureWatch.class);

    private final CompletableFuture<String> failure = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile String lastError;

    /** Whether {@code t}, or one of its causes, is an error no thread replacement can cure. */
    public static boolean isFatal(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof MissingSourceTopicException || c instanceof AuthenticationException
                    || c instanceof AuthorizationException || c instanceof UnsupportedVersionException
                    || c instanceof TopologyException || c instanceof Error) {
                return true;
            }
        }
        return false;
    }

    /** {@code t} and its causes, {@code Class: message} each, for a log line. */
    public static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable c = t; c != null && depth < 8; c = c.getCause() == c ? null : c.getCause(), depth++) {
            if (sb.length() > 0) {
                sb.append(" <- caused by ");
            }
            sb.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }

    /** The stream threads' exception handler: fatal errors stop the client, others replace the thread. */
    public StreamsUncaughtExceptionHandler handler() {
        return e -> {
            String d = describe(e);
            lastError = d;
            if (isFatal(e)) {
                fail("fatal Kafka Streams error: " + d);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.warn("stream thread failed, replacing it: {}", d, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    /** The state listener that turns an error state, or a shutdown nobody asked for, into a failure. */
    public KafkaStreams.StateListener listener() {
        return (newState, oldState) -> {
            switch (newState) {
                case PENDING_ERROR, ERROR -> fail("Kafka Streams reached " + newState + " (from " + oldState + ")"
                        + (lastError == null ? "" : ": " + lastError));
                case PENDING_SHUTDOWN, NOT_RUNNING -> {
                    if (!closing) {
                        fail("Kafka Streams shut down on its own (" + newState + ", from " + oldState + ")"
                                + (lastError == null ? "" : ": " + lastError));
                    }
                }
                default -> {
                }
            }
        };
    }

    /** Records a fatal failure (the first reason wins); any component may call it. */
    public void fail(String reason) {
        if (!closing && failure.complete(reason)) {
            LOG.error("{}", reason);
        }
    }

    /** The process is closing on purpose: shutdown states from now on are not failures. */
    public void closing() {
        closing = true;
    }

    /** Completes with the reason of the first failure. */
    public CompletableFuture<String> failure() {
        return failure;
    }

    /** Calls {@code action} with the reason of the first failure, when it happens (at once if it has). */
    public void onFailure(Consumer<String> action) {
        failure.thenAccept(action);
    }

    /** The reason of the first failure, if any. */
    public Optional<String> reason() {
        return Optional.ofNullable(failure.getNow(null));
    }
}
