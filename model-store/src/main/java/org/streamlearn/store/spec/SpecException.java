package org.streamlearn.store.spec;

import java.util.Objects;
import org.streamlearn.store.check.Checks;

/**
 * An invalid model spec. {@link #field()} is the JSON path of the offending field
 * ({@code "optimizer.learningRate"}, {@code "classNames[2]"}; {@code ""} for the spec as a whole)
 * and the message says what is wrong with it.
 */
public class SpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The spec's checks: messages read {@code "<path>: <problem>"}, {@code "spec: ..."} for the whole spec. */
    static final Checks<SpecException> CHECKS =
            new Checks<>((path, problem) -> new SpecException(path, (path.isEmpty() ? "spec" : path) + ": " + problem));

    private final String field;

    /**
     * @param field   JSON path of the offending field, {@code ""} for the whole spec
     * @param message the full message, naming the field
     */
    public SpecException(String field, String message) {
        super(message);
        this.field = Objects.requireNonNull(field, "field");
    }

    /** The JSON path of the offending field; {@code ""} for the spec as a whole. */
    public String field() {
        return field;
    }
}
