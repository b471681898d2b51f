package org.streamlearn.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Checks}: each check accepts its boundary values and rejects the first value outside, naming the field. */
class ChecksTest {

    @Test
    void acceptsTheBoundaries() {
        assertThatCode(() -> {
            Checks.closedOpenUnit("f", 0.0);
            Checks.openClosedUnit("f", 1.0);
            Checks.positive("f", Double.MIN_VALUE);
            Checks.aboveZero("f", Double.POSITIVE_INFINITY);
            Checks.nonNegative("f", 0.0);
            Checks.atLeast("f", 1, 1);
            Checks.widths("f", new int[] {1, 3});
        }).doesNotThrowAnyException();
    }

    @Test
    void rejectsWithAMessageThatNamesTheField() {
        assertThatThrownBy(() -> Checks.closedOpenUnit("optimizer.beta1", 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("optimizer.beta1: must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> Checks.openClosedUnit("schedule.decay", 0.0))
                .hasMessage("schedule.decay: must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> Checks.positive("huberDelta", Double.POSITIVE_INFINITY))
                .hasMessage("huberDelta: must be > 0 and finite, got Infinity");
        assertThatThrownBy(() -> Checks.aboveZero("clipNorm", Double.NaN))
                .hasMessage("clipNorm: must be > 0, got NaN");
        assertThatThrownBy(() -> Checks.nonNegative("l2", -0.5)).hasMessage("l2: must be >= 0 and finite, got -0.5");
        assertThatThrownBy(() -> Checks.atLeast("update.batchSize", 0, 1))
                .hasMessage("update.batchSize: must be >= 1, got 0");
        assertThatThrownBy(() -> Checks.widths("architecture.hidden", new int[0]))
                .hasMessage("architecture.hidden: must not be empty");
        assertThatThrownBy(() -> Checks.widths("architecture.hidden", new int[] {4, 0}))
                .hasMessage("architecture.hidden[1]: must be >= 1, got 0");
    }
}
