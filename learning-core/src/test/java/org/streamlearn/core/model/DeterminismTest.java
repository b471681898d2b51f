package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.testing.Synthetic;
import org.streamlearn.core.testing.Synthetic.Event;

/**
 * Determinism contract (DESIGN.md "Determinism", STYLE.md "Tests"), for every task and every optimizer: the
 * same events in the same order give bit-identical states; {@code learn}, {@code predict} and {@code validate}
 * never mutate their inputs; a batch of one is exactly the per-sample step; {@code predict} has no side effect
 * on the state or on what is learned next.
 */
class DeterminismTest {

    private static final int D = 4;
    private static final int N = 157;

    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (Task task : Task.values()) {
            for (Optimizer o : Synthetic.optimizers()) {
                for (int batch : new int[] {1, 4}) {
                    LearnerConfig c = Synthetic.builder(task, D, o).batchSize(batch).l2(1e-3).l1(1e-4)
                            .interceptLearningRate(batch == 1 ? Double.NaN : 0.02).build();
                    out.add(Arguments.of(Named.of(task.logicalName() + " " + o.name() + " batch" + batch, c)));
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> tasksAndOptimizers() {
        List<Arguments> out = new ArrayList<>();
        for (Task task : Task.values()) {
            for (Optimizer o : Synthetic.optimizers()) {
                out.add(Arguments.of(task, Named.of(o.name(), o)));
            }
        }
        return out.stream();
    }

    private static List<Event> events(LearnerConfig c) {
        return Synthetic.events(c.task(), 2024, N, c.features());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void sameEventsTwiceGiveBitIdenticalStates(LearnerConfig config) {
        OnlineLearner a = OnlineLearner.create(config);
        OnlineLearner b = OnlineLearner.create(config);
        List<Event> ea = events(config);
        List<Event> eb = events(config); // generated again: equal values, distinct arrays
        for (int i = 0; i < N; i++) {
            Outcome oa = a.learn(ea.get(i).x(), ea.get(i).y());
            double scoreA = oa.score();
            double lossA = oa.loss();
            Outcome ob = b.learn(eb.get(i).x(), eb.get(i).y());
            assertThat(Double.doubleToLongBits(ob.score())).isEqualTo(Double.doubleToLongBits(scoreA));
            assertThat(Double.doubleToLongBits(ob.loss())).isEqualTo(Double.doubleToLongBits(lossA));
        }
        a.flush();
        b.flush();
        assertThat(a.state()).isEqualTo(b.state());
        assertThat(Arrays.equals(a.state().params(), b.state().params())).isTrue();
        assertThat(a.state().optimizer()).isEqualTo(b.state().optimizer());
        assertThat(a.state().steps()).isPositive();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void inputsAreNeverMutated(LearnerConfig config) {
        OnlineLearner learner = OnlineLearner.create(config);
        List<Event> events = events(config);
        List<Event> pristine = Synthetic.copies(events);
        for (Event e : events) {
            learner.validate(e.x(), e.y(), 1.0);
            learner.predict(e.x());
            learner.learn(e.x(), e.y(), 0.75);
        }
        learner.flush();
        for (int i = 0; i < N; i++) {
            assertThat(events.get(i).x()).as("features of event %d", i + 1).containsExactly(pristine.get(i).x());
            assertThat(events.get(i).y()).as("label of event %d", i + 1).isEqualTo(pristine.get(i).y());
        }
        assertThat(learner.state().seen()).isEqualTo(N);
    }

    @ParameterizedTest
    @MethodSource("tasksAndOptimizers")
    void aBatchOfOneIsExactlyThePerSampleStep(Task task, Optimizer optimizer) {
        LearnerConfig perSample = Synthetic.builder(task, D, optimizer).batchSize(1).l2(1e-3).clipNorm(1.5).build();
        LearnerConfig batched = perSample.toBuilder().batchSize(7).build();
        OnlineLearner a = OnlineLearner.create(perSample);
        OnlineLearner b = OnlineLearner.create(batched);
        List<Event> events = Synthetic.events(task, 77, N, D);
        for (int i = 0; i < N; i++) {
            Event e = events.get(i);
            Outcome oa = a.learn(e.x(), e.y());
            boolean steppedA = oa.stepped();
            b.learn(e.x(), e.y());
            assertThat(b.flush()).as("a batch of one event is applied").isEqualTo(steppedA);
            assertThat(b.state()).as("after event %d", i + 1).isEqualTo(a.state());
            assertThat(b.state().params()).containsExactly(a.state().params());
        }
        assertThat(a.state().steps()).isEqualTo(N);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void predictHasNoSideEffects(LearnerConfig config) {
        List<Event> events = events(config);
        OnlineLearner quiet = OnlineLearner.create(config);
        OnlineLearner chatty = OnlineLearner.create(config);
        for (int i = 0; i < N; i++) {
            Event e = events.get(i);
            LearnerState before = chatty.state().copy();
            Prediction p1 = chatty.predict(e.x());
            for (int r = 0; r < 3; r++) {
                chatty.predict(events.get((i * 7 + r) % N).x());
            }
            Prediction p2 = chatty.predict(e.x());
            chatty.validate(e.x(), e.y(), 1.0);
            assertThat(chatty.state()).as("predict/validate changed the state before event %d", i + 1)
                    .isEqualTo(before);
            assertThat(p2.scores()).containsExactly(p1.scores());
            assertThat(p2.value()).isEqualTo(p1.value());
            chatty.learn(e.x(), e.y());
            Outcome o = quiet.learn(e.x(), e.y());
            // the progressive prediction is the one predict gave just before learning
            assertThat(o.score()).isEqualTo(config.task() == Task.MULTICLASS ? p1.scores()[(int) p1.value()]
                    : p1.scores()[0]);
        }
        chatty.flush();
        quiet.flush();
        assertThat(chatty.state()).isEqualTo(quiet.state());
    }
}
