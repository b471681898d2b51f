package org.streamlearn.store.state;

import org.streamlearn.store.check.Checks;

/** A snapshot that cannot be read or written; the message names the field. */
public final class StateFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The snapshot checks: messages read {@code "<field>: <problem>"}. */
    static final Checks<StateFormatException> CHECKS = new Checks<>(StateFormatException::new);

    private final String field;

    /** An error about {@code field}. */
    public StateFormatException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** An error about {@code field} with a cause. */
    public StateFormatException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = field;
    }

    /** The offending field. */
    public String field() {
        return field;
    }
}
