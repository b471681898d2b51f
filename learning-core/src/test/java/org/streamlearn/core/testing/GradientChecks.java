package org.streamlearn.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.streamlearn.core.loss.CrossEntropyLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.Model;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.core.model.Task;

/**
 * Finite-difference gradient checks shared by the model suites: the weighted loss of one example through
 * {@link Model#forward}, its {@code ∂L/∂scores}, central differences over every parameter, and the comparison.
 *
 * @param <M>     the model's type
 * @param model   the model under test
 * @param task    the task (multiclass uses cross-entropy)
 * @param loss    the scalar loss (ignored for multiclass)
 * @param outputs number of scores
 * @param weight  the example's weight
 * @param params  the point the gradient is taken at (never mutated)
 * @param x       the input
 * @param y       the label
 */
public record GradientChecks<M extends Model>(M model, Task task, Loss loss, int outputs, double weight,
        double[] params, double[] x, double y) {

    /** {@code weight · L(y, forward(params, x))}. */
    public double weightedLoss(double[] params) {
        double[] s = new double[outputs];
        model.forward(params, x, s);
        double l = task == Task.MULTICLASS ? CrossEntropyLoss.INSTANCE.value((int) y, s, outputs)
                : loss.value(y, s[0]);
        return weight * l;
    }

    /** {@code ∂(weight·L)/∂scores} at {@link #params}; leaves the model's cache at those parameters. */
    public double[] dScores() {
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
    public double[] finiteDifferences(double relStep) {
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

    /**
     * {@code backward} with {@code accumulate} true adds the gradient {@code fd} to a random start (drawn from
     * {@code seed}), and two events accumulated onto zeros give twice {@code fd}.
     */
    public void assertBackwardAccumulates(double[] fd, long seed, double rel, double abs) {
        Random r = new Random(seed);
        double[] start = new double[fd.length];
        for (int i = 0; i < start.length; i++) {
            start[i] = r.nextGaussian();
        }
        double[] grad = start.clone();
        model.backward(params, x, dScores(), grad, true);
        double[] added = new double[grad.length];
        for (int i = 0; i < grad.length; i++) {
            added[i] = grad[i] - start[i];
        }
        assertGradient(added, fd, "accumulate=true", rel, abs);
        double[] twice = new double[grad.length];
        double[] ds = dScores();
        model.backward(params, x, ds, twice, false);
        model.backward(params, x, ds, twice, true);
        for (int i = 0; i < twice.length; i++) {
            twice[i] /= 2;
        }
        assertGradient(twice, fd, "two events accumulated", rel, abs);
    }

    /** {@code b} with this task's output: the classes for multiclass, else the loss. */
    public LearnerConfig.Builder withOutput(LearnerConfig.Builder b) {
        return task == Task.MULTICLASS ? b.classes(outputs) : b.loss(loss);
    }

    /**
     * Moves {@code learner} to {@link #params} (a restored state), learns this example with its weight, checks
     * that it stepped, and returns {@code params − params after}, the step taken.
     */
    public double[] learnerStep(OnlineLearner learner) {
        System.arraycopy(params, 0, learner.state().params(), 0, params.length);
        Outcome o = learner.learn(x, y, weight);
        assertThat(o.stepped()).isTrue();
        double[] step = new double[params.length];
        for (int i = 0; i < step.length; i++) {
            step[i] = params[i] - learner.state().params()[i];
        }
        return step;
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
