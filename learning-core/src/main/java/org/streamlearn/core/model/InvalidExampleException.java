package org.streamlearn.core.model;

/**
 * An example the learner cannot use; {@link #field()} names the offending part ({@code features[3]}), and for an
 * event of a run ({@link OnlineLearner#learnAll}) {@link #index()} says which event.
 */
public final class InvalidExampleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;
    private final int index;

    /** An error about {@code field}. */
    public InvalidExampleException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
        this.index = -1;
    }

    private InvalidExampleException(InvalidExampleException about, int index) {
        super("event " + index + ": " + about.field + ": " + about.problem, about);
        this.field = about.field;
        this.problem = about.problem;
        this.index = index;
    }

    /** This error, for the event at {@code index} of a run; the message starts with {@code event <index>: }. */
    InvalidExampleException at(int index) {
        return new InvalidExampleException(this, index);
    }

    /** The offending field. */
    public String field() {
        return field;
    }

    /** What is wrong with {@link #field()}. */
    public String problem() {
        return problem;
    }

    /** The index of the offending event in the arrays given to {@link OnlineLearner#learnAll}, else -1. */
    public int index() {
        return index;
    }
}
