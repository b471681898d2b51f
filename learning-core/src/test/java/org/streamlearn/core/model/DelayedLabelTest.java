package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.testing.Synthetic;
import org.streamlearn.core.testing.Synthetic.Event;

/**
 * {@link OnlineLearner#learnServed}, over every task, optimizer and batch size of {@link DeterminismTest}: a
 * label revealed at once is exactly {@link OnlineLearner#learn}; a late one scores the served prediction.
 */
class DelayedLabelTest {

    private static final int N = 157;

    @ParameterizedTest
    @MethodSource("org.streamlearn.core.model.DeterminismTest#configs")
    void servedThenLabelledAtOnceIsOrdinaryLearning(LearnerConfig config) {
        OnlineLearner a = OnlineLearner.create(config);
        OnlineLearner b = OnlineLearner.create(config);
        List<Event> events = Synthetic.events(config.task(), 7, N, config.features());
        for (Event e : events) {
            a.learn(e.x(), e.y(), 1.0);
            double[] served = b.predict(e.x()).scores();
            b.learnServed(e.x(), e.y(), 1.0, served);
        }
        assertThat(b.state()).isEqualTo(a.state());
    }

    @ParameterizedTest
    @MethodSource("org.streamlearn.core.model.DeterminismTest#configs")
    void aLateLabelScoresTheServedPredictionAndLearnsWithTheCurrentParameters(LearnerConfig config) {
        OnlineLearner a = OnlineLearner.create(config);
        OnlineLearner b = OnlineLearner.create(config);
        List<Event> events = Synthetic.events(config.task(), 11, N, config.features());
        double[][] served = new double[N][];
        int delay = 3;
        for (int t = 0; t < N + delay; t++) {
            if (t < N) {
                served[t] = b.predict(events.get(t).x()).scores();
            }
            int r = t - delay;
            if (r >= 0) {
                Event e = events.get(r);
                Outcome o = b.learnServed(e.x(), e.y(), 1.0, served[r]);
                int j = config.task() == Task.MULTICLASS ? (int) o.prediction() : 0;
                assertThat(Double.doubleToLongBits(o.score())).isEqualTo(Double.doubleToLongBits(served[r][j]));
                a.learn(e.x(), e.y(), 1.0);
            }
        }
        assertThat(b.state().seen()).isEqualTo(N);
        assertThat(b.state().metrics().count()).isEqualTo(N);
        // the same events learned in the same order: the parameters agree; only the scored predictions differ
        assertThat(b.state().params()).isEqualTo(a.state().params());
    }

    @ParameterizedTest
    @MethodSource("org.streamlearn.core.model.DeterminismTest#configs")
    void anInvalidLabelLeavesEverythingUntouched(LearnerConfig config) {
        OnlineLearner b = OnlineLearner.create(config);
        Event e = Synthetic.events(config.task(), 3, 1, config.features()).get(0);
        double[] served = b.predict(e.x()).scores();
        var before = b.state().copy();
        assertThatThrownBy(() -> b.learnServed(e.x(), Double.NaN, 1.0, served))
                .isInstanceOf(InvalidExampleException.class);
        assertThat(b.state()).isEqualTo(before);
    }
}
