package org.streamlearn.bench.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Rounds of a baseline and a subject measured back to back; odd rounds run the baseline first, even rounds the
 * subject first, so neither always gets the warmer JVM or the quieter minute. Keeps each round's figures and their
 * ratio (subject / baseline).
 */
final class Rounds {

    /** One timed job; returns its figure (higher is better unless the caller says otherwise). */
    interface Job {
        double run() throws Exception;
    }

    private final List<double[]> results = new ArrayList<>();

    /** Runs round {@code r} of {@code label}, prints it and keeps its figures. */
    void run(int r, String label, String baselineName, Job baseline, String subjectName, Job subject)
            throws Exception {
        double b;
        double s;
        if (r % 2 == 1) {
            b = baseline.run();
            s = subject.run();
        } else {
            s = subject.run();
            b = baseline.run();
        }
        results.add(new double[] {b, s});
        System.out.printf(Locale.ROOT, "%s round %d: %s %,.1f, %s %,.1f, ratio %.2f (load %s)%n", label, r,
                baselineName, b, subjectName, s, s / b, GoalTable.load());
    }

    double medianRatio() {
        return median(results.stream().mapToDouble(x -> x[1] / x[0]).toArray());
    }

    double medianBaseline() {
        return median(results.stream().mapToDouble(x -> x[0]).toArray());
    }

    double medianSubject() {
        return median(results.stream().mapToDouble(x -> x[1]).toArray());
    }

    /** Each round's ratio, two decimals, comma-separated. */
    String ratios() {
        return results.stream().map(x -> String.format(Locale.ROOT, "%.2f", x[1] / x[0]))
                .collect(Collectors.joining(", "));
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
