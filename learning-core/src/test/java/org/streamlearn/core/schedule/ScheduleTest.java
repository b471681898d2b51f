package org.streamlearn.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract of every {@link LearningRateSchedule} (DESIGN.md "Schedules"): {@code constant} {@code lr};
 * {@code exponential} {@code lr·decay^k}; {@code step} {@code lr·factor^floor(k/every)}; {@code inverse}
 * {@code lr/(1+k)^power}, at k = 0, 1, 49, 50, 100 (a step boundary at 50); pure functions; invalid
 * parameters throw an {@link IllegalArgumentException} naming the spec field.
 */
class ScheduleTest {

    private static final long[] KS = {0, 1, 49, 50, 100};

    static Stream<Arguments> rates() {
        List<Arguments> out = new ArrayList<>();
        // hand-computed values, one per k in KS
        add(out, new LearningRateSchedule.Constant(0.1), 0.1, 0.1, 0.1, 0.1, 0.1);
        add(out, new LearningRateSchedule.Exponential(0.1, 0.5), 0.1, 0.05, 0.1 * 0x1p-49, 0.1 * 0x1p-50,
                0.1 * 0x1p-100);
        add(out, new LearningRateSchedule.Exponential(0.2, 0.99), 0.2, 0.198, 0.2 * 0.611117239532865,
                0.2 * 0.6050060671375364, 0.2 * 0.3660323412732292);
        add(out, new LearningRateSchedule.Step(0.1, 0.5, 50), 0.1, 0.1, 0.1, 0.05, 0.025);
        add(out, new LearningRateSchedule.Step(1.0, 0.1, 1), 1.0, 0.1, 1e-49, 1e-50, 1e-100);
        add(out, new LearningRateSchedule.Inverse(0.1, 1.0), 0.1, 0.05, 0.002, 0.1 / 51, 0.1 / 101);
        add(out, new LearningRateSchedule.Inverse(0.1, 0.5), 0.1, 0.1 / Math.sqrt(2), 0.1 / Math.sqrt(50),
                0.1 / Math.sqrt(51), 0.1 / Math.sqrt(101));
        return out.stream();
    }

    private static void add(List<Arguments> out, LearningRateSchedule s, double... expected) {
        for (int i = 0; i < KS.length; i++) {
            out.add(Arguments.of(Named.of(s.toString(), s), KS[i], expected[i]));
        }
    }

    @ParameterizedTest(name = "{0} at k={1}")
    @MethodSource("rates")
    void rateMatchesTheFormula(LearningRateSchedule s, long k, double expected) {
        double rate = s.rateAt(k);
        assertThat(rate).isCloseTo(expected, within(1e-14 * expected));
        assertThat(s.rateAt(k)).as("pure").isEqualTo(rate);
        if (k == 0) {
            assertThat(rate).isEqualTo(s.initialRate());
        }
        assertThat(rate).isLessThanOrEqualTo(s.initialRate());
    }

    @Test
    void logicalNames() {
        assertThat(new LearningRateSchedule.Constant(1).name()).isEqualTo("constant");
        assertThat(new LearningRateSchedule.Exponential(1, 0.5).name()).isEqualTo("exponential");
        assertThat(new LearningRateSchedule.Step(1, 0.5, 2).name()).isEqualTo("step");
        assertThat(new LearningRateSchedule.Inverse(1, 0.5).name()).isEqualTo("inverse");
    }

    @Test
    void boundaryParametersAreAccepted() {
        assertThat(new LearningRateSchedule.Exponential(0.1, 1.0).rateAt(1000)).isEqualTo(0.1);
        assertThat(new LearningRateSchedule.Step(0.1, 1.0, 1).rateAt(1000)).isEqualTo(0.1);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("constant lr 0", () -> new LearningRateSchedule.Constant(0), "optimizer.learningRate"),
                bad("constant lr −1", () -> new LearningRateSchedule.Constant(-1), "optimizer.learningRate"),
                bad("constant lr NaN", () -> new LearningRateSchedule.Constant(Double.NaN), "optimizer.learningRate"),
                bad("constant lr ∞", () -> new LearningRateSchedule.Constant(Double.POSITIVE_INFINITY),
                        "optimizer.learningRate"),
                bad("exponential lr 0", () -> new LearningRateSchedule.Exponential(0, 0.5), "optimizer.learningRate"),
                bad("exponential decay 0", () -> new LearningRateSchedule.Exponential(0.1, 0), "schedule.decay"),
                bad("exponential decay 1.01", () -> new LearningRateSchedule.Exponential(0.1, 1.01), "schedule.decay"),
                bad("exponential decay NaN", () -> new LearningRateSchedule.Exponential(0.1, Double.NaN),
                        "schedule.decay"),
                bad("step lr NaN", () -> new LearningRateSchedule.Step(Double.NaN, 0.5, 1), "optimizer.learningRate"),
                bad("step factor 0", () -> new LearningRateSchedule.Step(0.1, 0, 10), "schedule.factor"),
                bad("step factor 2", () -> new LearningRateSchedule.Step(0.1, 2, 10), "schedule.factor"),
                bad("step every 0", () -> new LearningRateSchedule.Step(0.1, 0.5, 0), "schedule.every"),
                bad("step every −5", () -> new LearningRateSchedule.Step(0.1, 0.5, -5), "schedule.every"),
                bad("inverse lr −1", () -> new LearningRateSchedule.Inverse(-1, 0.5), "optimizer.learningRate"),
                bad("inverse power 0", () -> new LearningRateSchedule.Inverse(0.1, 0), "schedule.power"),
                bad("inverse power −1", () -> new LearningRateSchedule.Inverse(0.1, -1), "schedule.power"),
                bad("inverse power NaN", () -> new LearningRateSchedule.Inverse(0.1, Double.NaN), "schedule.power"),
                bad("inverse power ∞", () -> new LearningRateSchedule.Inverse(0.1, Double.POSITIVE_INFINITY),
                        "schedule.power"));
    }

    private static Arguments bad(String name, ThrowingCallable make, String field) {
        return Arguments.of(Named.of(name, make), field);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void invalidParametersThrowNamingTheField(ThrowingCallable make, String field) {
        assertThatThrownBy(make).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(field + ":");
    }
}
