package org.streamlearn.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.Task;
import org.streamlearn.core.optim.AdaGrad;
import org.streamlearn.core.optim.Adam;
import org.streamlearn.core.optim.Ftrl;
import org.streamlearn.core.optim.Momentum;
import org.streamlearn.core.optim.Nesterov;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.RmsProp;
import org.streamlearn.core.optim.Sgd;

/**
 * Seeded synthetic streams and configurations shared by the contract suites: every optimizer with a sensible
 * rate, and small regression / binary / multiclass streams whose features are of order 1 (so that every
 * optimizer stays finite with or without standardization).
 */
public final class Synthetic {

    private Synthetic() {
    }

    /** One event: features and label. */
    public record Event(double[] x, double y) {
        /** A deep copy (to check that the learner never mutates its input). */
        public Event copy() {
            return new Event(x.clone(), y);
        }
    }

    /** Every optimizer, with the DESIGN.md defaults (FTRL with non-zero l1/l2 so that its proximal step acts). */
    public static List<Optimizer> optimizers() {
        return List.of(new Sgd(), new Momentum(0.9), new Nesterov(0.9), new AdaGrad(1e-8), new RmsProp(0.9, 1e-8),
                new Adam(0.9, 0.999, 1e-8), new Ftrl(0.5, 1.0, 0.01, 0.01));
    }

    /** A learning rate that keeps {@code o} stable on the streams of this class. */
    public static double rateFor(Optimizer o) {
        return o instanceof AdaGrad ? 0.1 : 0.01;
    }

    /** A configuration builder for {@code task} with {@code d} features (3 classes for multiclass). */
    public static LearnerConfig.Builder builder(Task task, int d, Optimizer o) {
        LearnerConfig.Builder b = LearnerConfig.builder(task, d).optimizer(o).learningRate(rateFor(o));
        if (task == Task.MULTICLASS) {
            b.classes(3);
        }
        return b;
    }

    /** A stream for {@code task}: {@code n} events, {@code d} features, 3 classes for multiclass. */
    public static List<Event> events(Task task, long seed, int n, int d) {
        return switch (task) {
            case REGRESSION -> regression(seed, n, d);
            case BINARY -> binary(seed, n, d);
            case MULTICLASS -> multiclass(seed, n, d, 3);
        };
    }

    private static double[] features(Random r, int d) {
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            // heterogeneous but tame: feature 1 has mean 2 and scale 0.5, the others N(0, 1)
            x[j] = j == 1 ? 2.0 + 0.5 * r.nextGaussian() : r.nextGaussian();
        }
        return x;
    }

    private static double coefficient(int j) {
        return (j % 2 == 0 ? 1.0 : -1.0) * 0.5 * (j + 1);
    }

    /** {@code y = Σ β_j x_j + 0.7 + N(0, 0.1²)} with {@code β_j = ±0.5(j+1)}. */
    public static List<Event> regression(long seed, int n, int d) {
        Random r = new Random(seed);
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] x = features(r, d);
            double y = 0.7;
            for (int j = 0; j < d; j++) {
                y += coefficient(j) * x[j];
            }
            out.add(new Event(x, y + 0.1 * r.nextGaussian()));
        }
        return out;
    }

    /** Labels drawn from a logistic model of the features. */
    public static List<Event> binary(long seed, int n, int d) {
        Random r = new Random(seed);
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] x = features(r, d);
            double s = -0.3;
            for (int j = 0; j < d; j++) {
                s += coefficient(j) * x[j];
            }
            double p = 1.0 / (1.0 + Math.exp(-s));
            out.add(new Event(x, r.nextDouble() < p ? 1.0 : 0.0));
        }
        return out;
    }

    /** Labels {@code 0..classes−1} drawn from a softmax model of the features. */
    public static List<Event> multiclass(long seed, int n, int d, int classes) {
        Random r = new Random(seed);
        List<Event> out = new ArrayList<>(n);
        double[] s = new double[classes];
        for (int i = 0; i < n; i++) {
            double[] x = features(r, d);
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                s[c] = 0.2 * c;
                for (int j = 0; j < d; j++) {
                    s[c] += coefficient((j + c) % d) * x[j];
                }
                max = Math.max(max, s[c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                s[c] = Math.exp(s[c] - max);
                sum += s[c];
            }
            double u = r.nextDouble() * sum;
            int label = classes - 1;
            for (int c = 0; c < classes; c++) {
                u -= s[c];
                if (u < 0) {
                    label = c;
                    break;
                }
            }
            out.add(new Event(x, label));
        }
        return out;
    }

    /** Deep copies of {@code events}. */
    public static List<Event> copies(List<Event> events) {
        List<Event> out = new ArrayList<>(events.size());
        for (Event e : events) {
            out.add(e.copy());
        }
        return out;
    }

    /** Whether every parameter and every optimizer slot of {@code s} is finite. */
    public static boolean allFinite(LearnerState s) {
        for (double v : s.params()) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        for (double[] slot : s.optimizer().slots()) {
            for (double v : slot) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }
}
