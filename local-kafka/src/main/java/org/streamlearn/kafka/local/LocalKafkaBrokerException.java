package org.streamlearn.kafka.local;

/**
 * A local broker failed to format, start or stop. The message says what happened and, for a child
 * broker, ends with the tail of its log file.
 */
public class LocalKafkaBrokerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public LocalKafkaBrokerException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public LocalKafkaBrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
