package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.events.EventParser;

/** The lifecycle's publishing cadence (by count and by time), its batch timer, and its reusable holder. */
class ModelLifecycleCadenceTest extends LifecycleFixture {

    // --- cadence

    @Test
    void snapshotsEveryPublishEveryStepsAndMetricsEveryNEvents() {
        ModelLifecycle l = lifecycle(Map.of(), 10);
        l.onCommand("a", upsert("{\"task\":\"regression\",\"features\":2,\"publishEvery\":4}"), 0);
        List<Entry> out = learnAll(l, "a", events(0, 25), 1);
        assertThat(out.stream().filter(e -> e.kind() == Emissions.Kind.PARAMETERS)
                .map(e -> e.value().get("updates").asLong())).containsExactly(4L, 8L, 12L, 16L, 20L, 24L);
        assertThat(out.stream().filter(e -> e.kind() == Emissions.Kind.METRICS)
                .map(e -> e.value().get("seen").asLong())).containsExactly(10L, 20L);
    }

    @Test
    void theMetricsTimerPublishesOnlyModelsThatLearnedSinceTheirLastPublication() {
        ModelLifecycle l = lifecycle(Map.of(), 10);
        l.onCommand("a", upsert(REG), 0);
        l.onCommand("b", upsert(REG), 0);
        learnAll(l, "a", events(0, 25), 1);
        learnAll(l, "b", events(0, 20), 1);
        List<Entry> timed = entries(l.onMetricsTimer(1000));
        assertThat(timed).extracting(Entry::key).containsExactly("a");
        assertThat(timed.get(0).value().get("seen").asLong()).isEqualTo(25);
        assertThat(timed.get(0).value().get("atMs").asLong()).isEqualTo(1000);
        assertThat(entries(l.onMetricsTimer(2000))).as("nothing new learned").isEmpty();
    }

    @Test
    void theMetricsTimerVisitsTheModelsThatLearnedInTheOrderTheyFirstDidAndSkipsThoseThatLeftTheCache() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        for (String id : new String[] {"a", "b", "c", "d"}) {
            l.onCommand(id, upsert(REG), 0);
        }
        for (String id : new String[] {"c", "a", "d", "c", "b", "a"}) {
            l.onEvent(id, EventParser.parseTraining(TopologyTest.event(1)), 1);
        }
        l.onCommand("d", command("{\"command\":\"delete\"}"), 2);
        models.model("b").evicted = true; // as the store marks a model it evicted (written back)
        assertThat(entries(l.onMetricsTimer(10))).extracting(Entry::key).containsExactly("c", "a");
        assertThat(entries(l.onMetricsTimer(20))).isEmpty();
        l.onEvent("a", EventParser.parseTraining(TopologyTest.event(2)), 21);
        assertThat(entries(l.onMetricsTimer(30))).extracting(Entry::key).containsExactly("a");
    }

    @Test
    void theBatchTimerAppliesABatchOnceItsMaxDelayRanOut() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        l.onCommand("a", upsert(MINIBATCH), 0);
        learnAll(l, "a", events(0, 4), 100);
        assertThat(models.model("a").state().batchStartedAtMs()).isEqualTo(100);
        assertThat(entries(l.onBatchTimer(1099))).isEmpty();
        assertThat(models.openBatches()).containsExactly("a");
        List<Entry> out = entries(l.onBatchTimer(1100));
        assertThat(out).extracting(Entry::kind).containsExactly(Emissions.Kind.PARAMETERS);
        assertThat(out.get(0).value().get("updates").asLong()).isEqualTo(1);
        assertThat(out.get(0).value().get("timedFlushes").asLong()).isEqualTo(1);
        assertThat(out.get(0).value().get("seen").asLong()).isEqualTo(4);
        assertThat(models.openBatches()).isEmpty();
        assertThat(entries(l.onBatchTimer(5000))).isEmpty();
    }

    @Test
    void theHolderIsReusedAndClearedByEveryCall() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        Emissions first = l.onCommand("a", upsert(REG), 0);
        assertThat(first.size()).isEqualTo(1);
        Emissions second = l.onEvent("a", EventParser.parseTraining(TopologyTest.event(0)), 1);
        assertThat(second).isSameAs(first);
        assertThat(second.size()).isZero();
        assertThatThrownBy(() -> second.kind(0)).isInstanceOf(IndexOutOfBoundsException.class);
        for (int i = 0; i < 4; i++) {
            l.onCommand("m" + i, upsert(REG), 2);
            l.onEvent("m" + i, EventParser.parseTraining(TopologyTest.event(i)), 3);
        }
        Emissions many = l.onMetricsTimer(10);
        assertThat(many.size()).as("grows past its initial capacity").isEqualTo(5);
        assertThat(entries(many)).extracting(Entry::key).containsExactly("a", "m0", "m1", "m2", "m3");
    }
}
