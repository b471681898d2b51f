package org.streamlearn.core.model;

/** An example the learner cannot use; {@link #field()} names the offending part ({@code features[3]}). */
public final class InvalidExampleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /** An error about {@code field}. */
    public InvalidExampleException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The offending field. */
    public String field() {
        return field;
    }
}
