package org.streamlearn.store.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.streamlearn.core.drift.PageHinkleyDetector;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * The value a scored event gives the detector (DESIGN.md "Drift detection"): {@code "error"} is {@code |y − ŷ|}
 * for regression and 1 for a wrong class, else 0, for classification; {@code "loss"} is the event's loss. Read
 * back as Page-Hinkley's running mean, which after one value is that value.
 */
class DriftSignalTest {

    private static double signal(String task, String signal, double[] x, double y) {
        ModelState m = ModelState.create("m", ModelSpecs.parse("{\"task\":\"" + task + "\",\"features\":2,"
                + "\"standardize\":false,\"drift\":{\"detector\":\"page_hinkley\",\"signal\":\"" + signal + "\"}}"), 0);
        m.learner().learn(new double[] {1.0, 2.0}, task.equals("regression") ? 4.0 : 1.0); // weights leave zero
        Outcome o = m.learner().learn(x, y);
        assertThat(m.observeDrift(o, y)).isFalse();
        PageHinkleyDetector d = (PageHinkleyDetector) m.drift();
        assertThat(d.seen()).isEqualTo(1);
        return d.mean();
    }

    private static Outcome scored(String task, double[] x, double y) {
        ModelState m = ModelState.create("m", ModelSpecs.parse("{\"task\":\"" + task + "\",\"features\":2,"
                + "\"standardize\":false}"), 0);
        m.learner().learn(new double[] {1.0, 2.0}, task.equals("regression") ? 4.0 : 1.0);
        return m.learner().learn(x, y);
    }

    @Test
    void regressionErrorIsTheAbsoluteErrorAndLossTheSquaredError() {
        double[] x = {0.5, -1.0};
        Outcome o = scored("regression", x, 3.0);
        double error = Math.abs(3.0 - o.prediction());
        assertThat(error).isNotIn(0.0, 1.0); // so that error, loss and a 0/1 indicator differ
        assertThat(signal("regression", "error", x, 3.0)).isEqualTo(error);
        assertThat(signal("regression", "loss", x, 3.0)).isEqualTo(o.loss()).isEqualTo(error * error);
    }

    @Test
    void classificationErrorIsOneForAWrongClassAndLossTheLogLoss() {
        double[] x = {1.0, 2.0};
        Outcome o = scored("binary", x, 0.0);
        assertThat(o.label()).isEqualTo(1); // the first event (label 1) pushed the score up
        assertThat(signal("binary", "error", x, 0.0)).isEqualTo(1.0);
        assertThat(signal("binary", "error", x, 1.0)).isEqualTo(0.0);
        assertThat(signal("binary", "loss", x, 0.0)).isEqualTo(o.loss()).isGreaterThan(0.0).isNotEqualTo(1.0);
    }
}
