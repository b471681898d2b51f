package org.streamlearn.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bit-for-bit comparison of published {@code ModelState} snapshots (DESIGN.md "Determinism": the same events in
 * the same order with the same spec give bit-identical parameters, whichever path). Doubles are compared by
 * their IEEE bits ({@code Double.doubleToRawLongBits}), never with a tolerance: JSON carries them exactly.
 */
public final class ModelAssertions {

    /**
     * Fields that legitimately differ between two runs over the same events: the version counts every change
     * (commands included) and the time is wall-clock time in the service, the event index in a backtest.
     */
    public static final Set<String> RUN_DEPENDENT = Set.of("version", "updatedAtMs");

    private ModelAssertions() {
    }

    /**
     * Asserts {@code actual} equals {@code expected} in every field but {@link #RUN_DEPENDENT}: the same fields,
     * and every number bit for bit (weights, intercept, optimizer slots, scaler, counters, metric sums, rolling
     * loss, the last step).
     */
    public static void assertSameModel(JsonNode actual, JsonNode expected, String what) {
        List<String> diffs = new ArrayList<>();
        if (actual == null || !actual.isObject()) {
            throw new AssertionError(what + ": no model snapshot (got " + actual + ")");
        }
        Set<String> names = new TreeSet<>();
        actual.fieldNames().forEachRemaining(names::add);
        expected.fieldNames().forEachRemaining(names::add);
        for (String f : names) {
            if (!RUN_DEPENDENT.contains(f)) {
                compare(actual.get(f), expected.get(f), f, diffs);
            }
        }
        if (!diffs.isEmpty()) {
            throw new AssertionError(what + ": the model differs from the expected one in " + diffs.size()
                    + " place(s) (bit for bit):\n  " + String.join("\n  ", diffs.subList(0, Math.min(25, diffs.size())))
                    + (diffs.size() > 25 ? "\n  …" : ""));
        }
    }

    /** Asserts two JSON values are identical, numbers bit for bit. */
    public static void assertSameJson(JsonNode actual, JsonNode expected, String what) {
        List<String> diffs = new ArrayList<>();
        compare(actual, expected, what, diffs);
        if (!diffs.isEmpty()) {
            throw new AssertionError(String.join("\n", diffs));
        }
    }

    /** Whether two doubles have the same bits. */
    public static boolean sameBits(double a, double b) {
        return Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b);
    }

    private static void compare(JsonNode a, JsonNode e, String path, List<String> diffs) {
        if (a == null || e == null) {
            if (a != e) {
                diffs.add(path + ": " + (a == null ? "missing, expected " + brief(e) : "unexpected " + brief(a)));
            }
            return;
        }
        if (e.isNumber() && a.isNumber()) {
            if (e.isIntegralNumber() && a.isIntegralNumber()) {
                if (a.longValue() != e.longValue()) {
                    diffs.add(path + ": " + a + " != expected " + e);
                }
            } else if (!sameBits(a.doubleValue(), e.doubleValue())) {
                diffs.add(path + ": " + a.doubleValue() + " != expected " + e.doubleValue() + " (Δ "
                        + (a.doubleValue() - e.doubleValue()) + ")");
            }
            return;
        }
        if (e.getNodeType() != a.getNodeType()) {
            diffs.add(path + ": " + brief(a) + " != expected " + brief(e));
            return;
        }
        if (e.isArray()) {
            if (a.size() != e.size()) {
                diffs.add(path + ": " + a.size() + " elements != expected " + e.size());
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                compare(a.get(i), e.get(i), path + "[" + i + "]", diffs);
            }
        } else if (e.isObject()) {
            Set<String> names = new TreeSet<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
                names.add(it.next());
            }
            e.fieldNames().forEachRemaining(names::add);
            for (String f : names) {
                compare(a.get(f), e.get(f), path + "." + f, diffs);
            }
        } else if (!a.equals(e)) {
            diffs.add(path + ": " + brief(a) + " != expected " + brief(e));
        }
    }

    private static String brief(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
