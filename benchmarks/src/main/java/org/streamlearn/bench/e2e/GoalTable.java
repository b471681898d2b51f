package org.streamlearn.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Issue 13's goals table as a driver prints it: one Markdown row per figure, with its baseline and ratio. */
final class GoalTable {

    private final List<String> rows = new ArrayList<>();

    /** Adds a row: what was measured, its baseline in the same run, their ratio, the goal and whether it is met. */
    GoalTable row(String figure, String measured, String baseline, String ratio, String goal, boolean met) {
        rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |", figure, measured, baseline, ratio, goal,
                met ? "met" : "not met"));
        return this;
    }

    /** Prints the table to standard output. */
    void print() {
        System.out.println();
        System.out.println("| figure | measured | baseline in the same run | ratio | goal | |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
    }

    /** {@code x} with thousands separators and no decimals. */
    static String n(double x) {
        return String.format(Locale.ROOT, "%,.0f", x);
    }

    /** {@code x} to two decimals. */
    static String r(double x) {
        return String.format(Locale.ROOT, "%.2f", x);
    }

    /** The one-minute load average, for the record (noisy shared machine). */
    static String load() {
        return String.format(Locale.ROOT, "%.2f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
