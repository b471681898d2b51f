package org.streamlearn.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.streamlearn.core.loss.CrossEntropyLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.model.Model;
import org.streamlearn.core.model.Task;

/**
 * Finite-difference gradient checks shared by the model suites: the weighted loss of one example through
 * {@link Model#forward}, its {@code ∂L/∂scores}, central differences over every parameter, and the comparison.
 *
 * @param model   the model under test
 * @param task    the task (multiclass uses cross-entropy)
 * @param loss    the scalar loss (ignored for multiclass)
 * @param outputs number of scores
 * @param weight  the example's weight
 * @param x       the input
 * @param y       the label
 */
public record GradientChecks(Model model, Task task, Loss loss, int outputs, double weight, double[] x, double y) {

    /** {@code weight · L(y, forward(params, x))}. */
    public double weightedLoss(double[] params) {
        double[] s = new double[outputs];
        model.forward(params, x, s);
        double l = task == Task.MULTICLASS ? CrossEntropyLoss.INSTANCE.value((int) y, s, outputs)
                : loss.value(y, s[0]);
        return weight * l;
    }

    /** {@code ∂(weight·L)/∂scores} at {@code params}; leaves the model's cache at those parameters. */
    public double[] dScores(double[] params) {
        double[] s = new double[outputs];
        model.forward(params, x, s);
        double[] ds = new double[outputs];
        if (task == Task.MULTICLASS) {
            CrossEntropyLoss.INSTANCE.derivative((int) y, s, outputs, weight, ds);
        } else {
            ds[0] = loss.derivative(y, s[0]) * weight;
        }
        return ds;
    }

    /** Central differences with step {@code relStep·max(1, |p_i|)} for every parameter. */
    public double[] finiteDifferences(double[] params, double relStep) {
        double[] p = params.clone();
        double[] fd = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double orig = p[i];
            double h = relStep * Math.max(1.0, Math.abs(orig));
            p[i] = orig + h;
            double up = weightedLoss(p);
            p[i] = orig - h;
            double down = weightedLoss(p);
            p[i] = orig;
            fd[i] = (up - down) / (2 * h);
        }
        return fd;
    }

    /** Every component within {@code rel·max(|a|, |e|) + abs}. */
    public static void assertGradient(double[] actual, double[] expected, String what, double rel, double abs) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("%s, parameter %d (finite difference %s)", what, i, expected[i])
                    .isCloseTo(expected[i], within(rel * Math.max(Math.abs(actual[i]), Math.abs(expected[i])) + abs));
        }
    }
}
