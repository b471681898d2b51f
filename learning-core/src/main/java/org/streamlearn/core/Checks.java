package org.streamlearn.core;

import java.util.Locale;

/**
 * The argument checks of learning-core, in one place: each throws an {@link IllegalArgumentException} whose
 * message starts with the spec field it names ({@code "optimizer.beta1: must be in [0, 1), got 1.0"}), so that a
 * configuration error reads the same whichever class finds it. Used by constructors, never on the per-event path.
 */
public final class Checks {

    private Checks() {
    }

    /** {@code 0 <= v < 1}. */
    public static void closedOpenUnit(String field, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(field + ": must be in [0, 1), got " + v);
        }
    }

    /** {@code 0 < v <= 1}. */
    public static void openClosedUnit(String field, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(field + ": must be in (0, 1], got " + v);
        }
    }

    /** {@code v > 0} and finite. */
    public static void positive(String field, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + ": must be > 0 and finite, got " + v);
        }
    }

    /** {@code v > 0}; infinity allowed (a bound that may be switched off). */
    public static void aboveZero(String field, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(field + ": must be > 0, got " + v);
        }
    }

    /** {@code v >= 0} and finite. */
    public static void nonNegative(String field, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + ": must be >= 0 and finite, got " + v);
        }
    }

    /** {@code v} finite (not NaN, not infinite). */
    public static void finite(String field, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(field + ": must be finite, got " + v);
        }
    }

    /** {@code v >= min}. */
    public static void atLeast(String field, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException(field + ": must be >= " + min + ", got " + v);
        }
    }

    /** A non-empty array of layer widths, each {@code >= 1} ({@code field[i]} names a bad one). */
    public static void widths(String field, int[] widths) {
        if (widths == null || widths.length == 0) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
        for (int i = 0; i < widths.length; i++) {
            if (widths[i] < 1) {
                throw new IllegalArgumentException(field + "[" + i + "]: must be >= 1, got " + widths[i]);
            }
        }
    }

    /**
     * The constant of {@code values} whose lowercase name ({@code RELU} → {@code "relu"}) is {@code name};
     * otherwise {@code "field: unknown value 'x' (expected a, b or c)"}, listing {@code values} in order.
     */
    public static <E extends Enum<E>> E oneOf(String field, E[] values, String name) {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            String logical = values[i].name().toLowerCase(Locale.ROOT);
            if (logical.equals(name)) {
                return values[i];
            }
            expected.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append(logical);
        }
        throw new IllegalArgumentException(field + ": unknown value '" + name + "' (expected " + expected + ")");
    }
}
