package org.streamlearn.bench.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Rounds of jobs measured back to back: a baseline (job 0) and one or more subjects. Round {@code r} starts with
 * job {@code (r − 1) mod n} and goes on in order, so no job always gets the warmer JVM or the quieter minute. Keeps
 * each round's figures and gives medians of figures and of ratios (job / baseline, per round).
 */
final class Rounds {

    /** One timed job; returns its figure. */
    interface Job {
        double run() throws Exception;
    }

    private final List<String> names;
    private final List<double[]> results = new ArrayList<>();

    /** Rounds of the jobs named {@code names}, the baseline first. */
    Rounds(String... names) {
        this.names = List.of(names);
    }

    /** Runs round {@code r} (from 1) of {@code jobs} (in the order of the names), prints it and keeps its figures. */
    void run(int r, String label, Job... jobs) throws Exception {
        int n = jobs.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            int j = (r - 1 + i) % n;
            x[j] = jobs[j].run();
        }
        results.add(x);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s round %d:", label, r));
        for (int j = 0; j < n; j++) {
            line.append(String.format(Locale.ROOT, " %s %,.2f%s", names.get(j), x[j],
                    j == 0 ? "," : String.format(Locale.ROOT, " (ratio %.2f),", x[j] / x[0])));
        }
        System.out.println(line.append(" load ").append(GoalTable.load()));
    }

    /** Runs each job once, unrecorded (JIT, page cache), and prints the figures. */
    void warmUp(String label, Job... jobs) throws Exception {
        StringBuilder line = new StringBuilder(label + " warm-up (not counted):");
        for (int j = 0; j < jobs.length; j++) {
            line.append(String.format(Locale.ROOT, " %s %,.2f", names.get(j), jobs[j].run()));
        }
        System.out.println(line);
    }

    /** The median over rounds of job {@code j}'s figure divided by the baseline's. */
    double medianRatio(int j) {
        return median(results.stream().mapToDouble(x -> x[j] / x[0]).toArray());
    }

    /** The median over rounds of job {@code j}'s figure. */
    double median(int j) {
        return median(results.stream().mapToDouble(x -> x[j]).toArray());
    }

    /** Each round's ratio of job {@code j} to the baseline, two decimals, comma-separated. */
    String ratios(int j) {
        return results.stream().map(x -> String.format(Locale.ROOT, "%.2f", x[j] / x[0]))
                .collect(Collectors.joining(", "));
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
