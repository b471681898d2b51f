package org.streamlearn.core.optim;

/** Parameter checks whose messages name the spec field. */
final class Checks {

    private Checks() {
    }

    static void unitInterval(String field, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(field + ": must be in [0, 1), got " + v);
        }
    }

    static void positive(String field, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + ": must be > 0 and finite, got " + v);
        }
    }

    static void nonNegative(String field, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + ": must be >= 0 and finite, got " + v);
        }
    }
}
