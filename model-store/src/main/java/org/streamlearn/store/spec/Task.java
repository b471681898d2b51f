package org.streamlearn.store.spec;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a model learns; JSON names {@code regression}, {@code binary}, {@code multiclass}. */
public enum Task {
    /** A real-valued target; losses {@code squared} (default) and {@code huber}. */
    REGRESSION(List.of("squared", "huber")),
    /** Labels 0/1; loss {@code log}. */
    BINARY(List.of("log")),
    /** Labels 0..classes−1; loss {@code cross_entropy}. */
    MULTICLASS(List.of("cross_entropy"));

    /** The JSON names of all tasks, in declaration order. */
    public static final List<String> NAMES = List.of("regression", "binary", "multiclass");

    private final List<String> losses;

    Task(List<String> losses) {
        this.losses = losses;
    }

    /** The lowercase JSON name. */
    public String logicalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The losses that fit this task; the first is the default. */
    public List<String> losses() {
        return losses;
    }

    /** The loss used when the spec sets none. */
    public String defaultLoss() {
        return losses.get(0);
    }

    /** The task with this exact (lowercase) JSON name, if any. */
    public static Optional<Task> fromLogicalName(String name) {
        for (Task t : values()) {
            if (t.logicalName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
