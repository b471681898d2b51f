package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.streamlearn.core.optim.Ftrl;
import org.streamlearn.core.optim.Momentum;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.Sgd;

/**
 * {@link DivergenceGuard} on its own, over a hand-made state: the running bounds it admits a step with, its
 * refusal near overflow and for an optimizer without a bound, a bitwise restore after a non-finite step, and the
 * bookkeeping of a refusal. The learner-level contract is {@link DivergenceGuardTest}.
 */
class DivergenceGuardUnitTest {

    private static LearnerConfig config(Optimizer optimizer, double interceptRate) {
        LearnerConfig.Builder b = LearnerConfig.builder(Task.REGRESSION, 3).optimizer(optimizer).standardize(false);
        if (!Double.isNaN(interceptRate)) {
            b.interceptLearningRate(interceptRate);
        }
        return b.build();
    }

    private static LearnerState state(LearnerConfig config, double... params) {
        LearnerState s = OnlineLearner.freshState(config);
        System.arraycopy(params, 0, s.params, 0, params.length);
        return s;
    }

    @Test
    void admitsAStepAndAdvancesTheBoundsByTheOptimizersBound() {
        LearnerConfig c = config(new Momentum(0.5), Double.NaN);
        LearnerState s = state(c, 1.0, -4.0, 2.0, 0.5);
        s.optimizer.slots()[0][1] = -3.0;
        DivergenceGuard guard = new DivergenceGuard(c, s);

        assertThat(guard.admits(2.0, 0.25, 0)).isTrue();
        // velocity bound 0.5·3 + 0.25·2 = 2; parameter bound 4 + 2
        assertThat(guard.slotBound(0)).isEqualTo(2.0);
        assertThat(guard.paramBound()).isEqualTo(6.0);
        assertThat(guard.admits(2.0, 0.25, 1)).isTrue();
        assertThat(guard.slotBound(0)).isEqualTo(1.5);
        assertThat(guard.paramBound()).isEqualTo(7.5);
    }

    @Test
    void interceptsSteppedOutsideTheOptimizerWidenTheBound() {
        LearnerConfig c = config(new Sgd(), 10.0);
        DivergenceGuard guard = new DivergenceGuard(c, state(c, 1.0, 0.0, 0.0, 0.0));

        assertThat(guard.admits(2.0, 0.01, 0)).isTrue();
        assertThat(guard.paramBound()).isEqualTo(21.0);
    }

    @Test
    void refusesNearOverflowWithoutChangingItsBounds() {
        LearnerConfig c = config(new Sgd(), Double.NaN);
        DivergenceGuard guard = new DivergenceGuard(c, state(c, 1e299, 0.0, 0.0, 0.0));

        assertThat(guard.admits(1.0, 1.0, 0)).isTrue();
        assertThat(guard.admits(2e300, 1.0, 1)).isFalse();
        assertThat(guard.paramBound()).isEqualTo(1e299 + 1.0);
        assertThat(guard.admits(Double.NaN, 1.0, 1)).isFalse();
    }

    @Test
    void anOptimizerWithoutABoundIsNeverAdmitted() {
        LearnerConfig c = config(new Ftrl(0.1, 1.0, 0.0, 0.0), Double.NaN);
        DivergenceGuard guard = new DivergenceGuard(c, state(c, 0.0, 0.0, 0.0, 0.0));

        assertThat(guard.admits(1e-9, Double.NaN, 0)).isFalse();
    }

    @Test
    void aNonFiniteStepIsRestoredBitForBitAndTheBoundsRecomputed() {
        LearnerConfig c = config(new Momentum(0.9), Double.NaN);
        LearnerState s = state(c, 0.1, -0.0, 3.0, Double.MIN_VALUE);
        double[] slot = s.optimizer.slots()[0];
        slot[2] = -7.0;
        double[] params = s.params.clone();
        double[] slotBefore = slot.clone();
        DivergenceGuard guard = new DivergenceGuard(c, s);

        guard.backup();
        s.params[0] = Double.POSITIVE_INFINITY;
        s.params[1] = 42.0;
        slot[3] = Double.NaN;
        assertThat(guard.keepOrRestore()).isFalse();

        assertThat(s.params).isEqualTo(params);
        assertThat(Double.doubleToRawLongBits(s.params[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(slot).isEqualTo(slotBefore);
        assertThat(guard.paramBound()).isEqualTo(3.0);
        assertThat(guard.slotBound(0)).isEqualTo(7.0);
    }

    @Test
    void aFiniteStepIsKeptAndTheBoundsFollowIt() {
        LearnerConfig c = config(new Sgd(), Double.NaN);
        LearnerState s = state(c, 1.0, 2.0, 3.0, 4.0);
        DivergenceGuard guard = new DivergenceGuard(c, s);

        guard.backup();
        s.params[2] = -1e200;
        assertThat(guard.keepOrRestore()).isTrue();
        assertThat(s.params[2]).isEqualTo(-1e200);
        assertThat(guard.paramBound()).isEqualTo(1e200);
    }

    @Test
    void aRefusalIsCountedAndReported() {
        LearnerConfig c = config(new Sgd(), Double.NaN);
        LearnerState s = state(c);
        DivergenceGuard guard = new DivergenceGuard(c, s);
        Outcome o = new Outcome();

        guard.refuse(o, "why");
        guard.refuse(o, "why again");
        assertThat(s.refused()).isEqualTo(2);
        assertThat(o.refused()).isTrue();
        assertThat(o.refusal()).isEqualTo("why again");
    }
}
