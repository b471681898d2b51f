package org.streamlearn.app.events;

/** An event that cannot be used; {@link #field()} names the offending part and the message says why. */
public final class InvalidEventException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /** An error about {@code field}. */
    public InvalidEventException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The offending field ({@code event} for the whole record). */
    public String field() {
        return field;
    }
}
