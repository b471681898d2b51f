package org.streamlearn.store.spec;

import java.util.List;

/** Range checks whose {@link SpecException}s name the field by its JSON path. */
final class Checks {

    private Checks() {
    }

    static SpecException fail(String path, String problem) {
        return new SpecException(path, (path.isEmpty() ? "spec" : path) + ": " + problem);
    }

    static void finite(String path, double v) {
        if (!Double.isFinite(v)) {
            throw fail(path, "must be a finite number, got " + v);
        }
    }

    static void positive(String path, double v) {
        finite(path, v);
        if (!(v > 0)) {
            throw fail(path, "must be > 0, got " + v);
        }
    }

    static void nonNegative(String path, double v) {
        finite(path, v);
        if (!(v >= 0)) {
            throw fail(path, "must be >= 0, got " + v);
        }
    }

    /** {@code v} in [0, 1). */
    static void fraction(String path, double v) {
        finite(path, v);
        if (!(v >= 0 && v < 1)) {
            throw fail(path, "must be in [0, 1), got " + v);
        }
    }

    /** {@code v} in (0, 1]. */
    static void rate(String path, double v) {
        finite(path, v);
        if (!(v > 0 && v <= 1)) {
            throw fail(path, "must be in (0, 1], got " + v);
        }
    }

    static void inRange(String path, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw fail(path, "must be in " + lo + ".." + hi + ", got " + v);
        }
    }

    static void atLeast(String path, long v, long lo) {
        if (v < lo) {
            throw fail(path, "must be >= " + lo + ", got " + v);
        }
    }

    static <T> T required(String path, T v) {
        if (v == null) {
            throw fail(path, "required");
        }
        return v;
    }

    static String oneOf(String path, String v, List<String> allowed) {
        required(path, v);
        if (!allowed.contains(v)) {
            throw fail(path, "unknown value '" + v + "' (expected one of " + String.join(", ", allowed) + ")");
        }
        return v;
    }

    /** A field that does not belong to the chosen {@code kind} (e.g. "optimizer type sgd") must hold 0. */
    static void absent(String path, double v, String kind) {
        if (v != 0) {
            throw notAField(path, kind);
        }
    }

    static void absent(String path, Object v, String kind) {
        if (v != null) {
            throw notAField(path, kind);
        }
    }

    static SpecException notAField(String path, String kind) {
        return fail(path, "not a field of " + kind);
    }
}
