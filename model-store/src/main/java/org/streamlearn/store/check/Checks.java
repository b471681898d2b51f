package org.streamlearn.store.check;

import java.util.List;
import java.util.Objects;

/**
 * The argument checks of model-store, in one place: range, presence and choice checks whose errors name the
 * field by its JSON path ({@code optimizer.learningRate}, {@code scaler.count[2]}). Each package throws its own
 * exception type, so a {@code Checks} is built once per type from a {@link Failure} that makes the exception:
 * the spec records use {@code SpecException.CHECKS}, the state codecs {@code StateFormatException.CHECKS}.
 * Messages read {@code "<path>: <problem>"}, for example {@code "l2: must be >= 0, got -1.0"}.
 *
 * @param <E> the exception thrown when a check fails
 */
public final class Checks<E extends RuntimeException> {

    /**
     * Makes the exception of a failed check.
     *
     * @param <E> the exception type
     */
    @FunctionalInterface
    public interface Failure<E extends RuntimeException> {
        /**
         * The exception for {@code path}.
         *
         * @param path    JSON path of the offending field, {@code ""} for the whole document
         * @param problem what is wrong, without the path
         * @return the exception to throw
         */
        E at(String path, String problem);
    }

    private final Failure<E> failure;

    /** Checks that throw what {@code failure} makes. */
    public Checks(Failure<E> failure) {
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** The exception for a problem with {@code path} (to throw). */
    public E fail(String path, String problem) {
        return failure.at(path, problem);
    }

    /** {@code v} is finite. */
    public double finite(String path, double v) {
        if (!Double.isFinite(v)) {
            throw fail(path, "must be a finite number, got " + v);
        }
        return v;
    }

    /** {@code v} is finite and > 0. */
    public void positive(String path, double v) {
        finite(path, v);
        if (!(v > 0)) {
            throw fail(path, "must be > 0, got " + v);
        }
    }

    /** {@code v} is finite and >= 0. */
    public void nonNegative(String path, double v) {
        finite(path, v);
        if (!(v >= 0)) {
            throw fail(path, "must be >= 0, got " + v);
        }
    }

    /** {@code v} in [0, 1). */
    public void fraction(String path, double v) {
        finite(path, v);
        if (!(v >= 0 && v < 1)) {
            throw fail(path, "must be in [0, 1), got " + v);
        }
    }

    /** {@code v} in (0, 1]. */
    public void rate(String path, double v) {
        finite(path, v);
        if (!(v > 0 && v <= 1)) {
            throw fail(path, "must be in (0, 1], got " + v);
        }
    }

    /** {@code v} in {@code lo..hi}. */
    public void inRange(String path, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw fail(path, "must be in " + lo + ".." + hi + ", got " + v);
        }
    }

    /** {@code v >= lo}. */
    public long atLeast(String path, long v, long lo) {
        if (v < lo) {
            throw fail(path, "must be >= " + lo + ", got " + v);
        }
        return v;
    }

    /** {@code v} is not null. */
    public <T> T required(String path, T v) {
        if (v == null) {
            throw fail(path, "required");
        }
        return v;
    }

    /** {@code v} is one of {@code allowed}. */
    public String oneOf(String path, String v, List<String> allowed) {
        required(path, v);
        if (!allowed.contains(v)) {
            throw unknownValue(path, v, allowed);
        }
        return v;
    }

    /** The exception for a value that is none of {@code allowed} (to throw). */
    public E unknownValue(String path, String v, List<String> allowed) {
        return fail(path, "unknown value '" + v + "' (expected one of " + String.join(", ", allowed) + ")");
    }

    /** A field that does not belong to the chosen {@code kind} (e.g. "optimizer type sgd") must hold 0. */
    public void absent(String path, double v, String kind) {
        if (v != 0) {
            throw notAField(path, kind);
        }
    }

    /** A field that does not belong to the chosen {@code kind} must be null. */
    public void absent(String path, Object v, String kind) {
        if (v != null) {
            throw notAField(path, kind);
        }
    }

    /** The exception for a field that does not belong to {@code kind} (to throw). */
    public E notAField(String path, String kind) {
        return fail(path, "not a field of " + kind);
    }
}
