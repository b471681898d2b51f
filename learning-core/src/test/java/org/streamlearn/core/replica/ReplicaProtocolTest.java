package org.streamlearn.core.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.optim.OptimizerState;

/** The replicas protocol's parts: spreading, rounds and adoption, the merge step, parameter mixing. */
class ReplicaProtocolTest {

    private static LearnerState state(long seen, double... params) {
        return new LearnerState(params, new OptimizerState(0, params.length), null, new ProgressiveMetrics(),
                new RollingLoss(10, 0.1), new double[params.length], 0, seen, 0, 0);
    }

    @Test
    void idsHashWithFnv1aAndOthersGoRoundRobinPerPartition() {
        // published FNV-1a 32-bit test vectors
        assertThat(Spreading.fnv1a32("")).isEqualTo(0x811c9dc5);
        assertThat(Spreading.fnv1a32("a")).isEqualTo(0xe40c292c);
        assertThat(Spreading.fnv1a32("foobar")).isEqualTo(0xbf9cf968);
        assertThat(Spreading.ofId("foobar", 7)).isEqualTo((int) (0xbf9cf968L % 7));
        Spreading s = new Spreading(3);
        assertThat(List.of(s.replicaOf(null, 0), s.replicaOf(null, 0), s.replicaOf(null, 1), s.replicaOf(null, 0),
                s.replicaOf("a", 0), s.replicaOf(null, 0), s.replicaOf(null, 1)))
                .containsExactly(0, 1, 0, 2, (int) (0xe40c292cL % 3), 0, 1);
    }

    @Test
    void mergeIsTheUpdateWeightedAverageInReplicaOrderWhateverTheArrivalOrder() {
        MergeStep a = new MergeStep(2);
        assertThat(a.add(new ReplicaReport(1, 0, state(3, 4.0, 8.0)))).isEmpty();
        List<Merged> m = a.add(new ReplicaReport(0, 0, state(1, 0.0, 4.0)));
        assertThat(m).hasSize(1);
        assertThat(m.get(0).state().params()).containsExactly(3.0, 7.0);
        assertThat(m.get(0).state().seen()).isEqualTo(4);
        // a redelivered or late report changes nothing
        assertThat(a.add(new ReplicaReport(0, 0, state(1, 100.0, 100.0)))).isEmpty();
        assertThat(a.next()).isEqualTo(1);
        // round 1 may complete before anything else; rounds merge in order
        MergeStep b = new MergeStep(2);
        b.add(new ReplicaReport(0, 1, state(2, 1.0, 1.0)));
        b.add(new ReplicaReport(1, 1, state(2, 3.0, 3.0)));
        b.add(new ReplicaReport(1, 0, state(1, 0.0, 4.0)));
        List<Merged> both = b.add(new ReplicaReport(0, 0, state(1, 4.0, 8.0)));
        assertThat(both).extracting(Merged::round).containsExactly(0L, 1L);
        assertThat(both.get(1).state().params()).containsExactly(2.0, 2.0);
        assertThatThrownBy(() -> b.add(new ReplicaReport(2, 3, state(1, 0, 0))))
                .hasMessageContaining("replica 2 of a model with 2 replicas");
    }

    @Test
    void oneReplicasMergeIsItsReportBitForBit() {
        LearnerState s = state(5, -0.0, 0.1 + 0.2, Double.MIN_VALUE, -1e308);
        assertThat(ParameterMixing.merge(List.of(s))).isEqualTo(s);
    }

    @Test
    void pooledStatisticsAreThoseOfAllTheData() {
        SplittableRandom r = new SplittableRandom(3);
        Standardizer all = new Standardizer(2);
        Standardizer a = new Standardizer(2);
        Standardizer b = new Standardizer(2);
        double[] out = new double[2];
        for (int i = 0; i < 1000; i++) {
            double[] x = {r.nextGaussian() * 3 + 1, i < 300 ? 5 : r.nextDouble()};
            all.learnAndTransform(x, out);
            (i % 3 == 0 ? a : b).learnAndTransform(x, out);
        }
        ParameterMixing.pool(a, b);
        assertThat(a.count()).isEqualTo(all.count());
        for (int j = 0; j < 2; j++) {
            assertThat(a.mean()[j]).isCloseTo(all.mean()[j], within(1e-12));
            assertThat(a.variance()[j]).isCloseTo(all.variance()[j], within(1e-12));
        }
    }

    @Test
    void aReplicaReportsEachRoundAndAdoptsRoundROnlyWhenBeginningRoundRPlusTwo() {
        Replica rep = new Replica(0, 2);
        LearnerState s = state(0, 0.0);
        List<ReplicaReport> reports = new ArrayList<>();
        double[] steps = {1, 2, 3, 4};
        for (double step : steps) {
            s.params()[0] += step;
            ReplicaReport r = rep.onLearned(s);
            if (r != null) {
                reports.add(r);
            }
        }
        assertThat(reports).extracting(ReplicaReport::round).containsExactly(0L, 1L);
        assertThat(reports.get(0).state().params()).containsExactly(3.0);
        assertThat(rep.waiting()).isTrue();
        assertThat(rep.awaitedRound()).isZero();
        assertThatThrownBy(() -> rep.onLearned(s)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> rep.adopt(1, new double[] {0}, s.params())).isInstanceOf(IllegalStateException.class);
        // merge 0 says 5 where the replica reported 3: its live 10 moves by +2, its own round-1 progress kept
        rep.adopt(0, new double[] {5}, s.params());
        assertThat(s.params()).containsExactly(12.0);
        assertThat(rep.waiting()).isFalse();
        // the stored round-1 report moved too: merge 1 equal to the replica's adopted view changes nothing
        s.params()[0] += 1;
        rep.onLearned(s);
        s.params()[0] += 1;
        rep.onLearned(s);
        rep.adopt(1, new double[] {12}, s.params());
        assertThat(s.params()).containsExactly(14.0);
    }
}
