package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.testing.Synthetic;
import org.streamlearn.core.testing.Synthetic.Event;

/**
 * {@link OnlineLearner#evaluate} scores a held-out example exactly as progressive validation would, changing
 * nothing; {@link LearnerConfig#FULL_BATCH} steps only on {@code flush}, as one batch of all the events would,
 * over every task, optimizer and batch size of {@link DeterminismTest}.
 */
class EvaluateAndFullBatchTest {

    private static final int N = 61;

    @ParameterizedTest
    @MethodSource("org.streamlearn.core.model.DeterminismTest#configs")
    void evaluateScoresLikeProgressiveValidationAndLearnsNothing(LearnerConfig config) {
        OnlineLearner a = OnlineLearner.create(config);
        List<Event> events = Synthetic.events(config.task(), 5, N, config.features());
        for (Event e : events.subList(0, N - 1)) {
            a.learn(e.x(), e.y(), 1.0);
        }
        LearnerState before = a.state().copy();
        Event last = events.get(N - 1);
        ProgressiveMetrics into = new ProgressiveMetrics();
        double loss = a.evaluate(last.x(), last.y(), into);
        assertThat(a.state()).isEqualTo(before);
        OnlineLearner b = OnlineLearner.restore(config, before.copy());
        Outcome o = b.learn(last.x(), last.y(), 1.0);
        assertThat(Double.doubleToLongBits(loss)).isEqualTo(Double.doubleToLongBits(o.loss()));
        ProgressiveMetrics expected = new ProgressiveMetrics();
        switch (config.task()) {
            case REGRESSION -> expected.addRegression(last.y(), o.prediction());
            case BINARY -> expected.addBinary((int) last.y(), o.label(), o.loss());
            default -> expected.addMulticlass((int) last.y(), o.label(), o.loss());
        }
        assertThat(into).usingRecursiveComparison().isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("org.streamlearn.core.model.DeterminismTest#configs")
    void aFullBatchStepsOnlyWhenFlushedAsOneBatchOfEverything(LearnerConfig config) {
        OnlineLearner full = OnlineLearner.create(config.toBuilder().batchSize(LearnerConfig.FULL_BATCH).build());
        OnlineLearner all = OnlineLearner.create(config.toBuilder().batchSize(N).build());
        for (Event e : Synthetic.events(config.task(), 9, N, config.features())) {
            full.learn(e.x(), e.y(), 1.0);
            all.learn(e.x(), e.y(), 1.0);
            if (all.state().steps() == 0) {
                assertThat(full.state().params()).isEqualTo(all.state().params());
            }
        }
        assertThat(full.state().steps()).isZero();
        assertThat(all.state().steps()).isEqualTo(1);
        assertThat(full.flush()).isTrue();
        assertThat(full.state().params()).isEqualTo(all.state().params());
        assertThat(full.state().optimizer()).isEqualTo(all.state().optimizer());
    }
}
