package org.streamlearn.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.metrics.ServiceMetrics;
import org.streamlearn.app.service.StartupProgress.Phase;

/** The start-up phases and the restore progress, fed as Kafka Streams calls its restore and state listeners. */
class StartupProgressTest {

    private static final TopicPartition P0 = new TopicPartition("app-models-changelog", 0);
    private static final TopicPartition P1 = new TopicPartition("app-models-changelog", 1);
    private static final TopicPartition EMPTY = new TopicPartition("app-models-pending-changelog", 0);

    @Test
    void restoresAreCountedAndTimedAndTheirRemainderIsAMeter() {
        StartupProgress p = new StartupProgress();
        try (ServiceMetrics metrics = new ServiceMetrics(10)) {
            metrics.register(p);
            p.mark(Phase.TOPICS_CHECKED);
            p.mark(Phase.STREAMS_STARTED);
            assertThat(p.nanos(Phase.RESTORE_START)).isZero();
            p.onRestoreStart(P0, "models", 0, 1000);
            p.onRestoreStart(P1, "models", 200, 1200);
            p.onRestoreStart(EMPTY, "models-pending", 0, 0);
            p.onBatchRestored(P0, "models", 600, 600);
            p.onBatchRestored(P1, "models", 1100, 900);
            assertThat(p.restoredRecords()).isEqualTo(1500);
            assertThat(p.remainingRecords()).isEqualTo(400 + 100);
            assertThat(metrics.scrape()).contains("streamlearn_restore_records_total 1500.0")
                    .contains("streamlearn_restore_remaining_records 500.0");
            p.onRestoreEnd(EMPTY, "models-pending", 0);
            p.onBatchRestored(P0, "models", 1000, 400);
            p.onRestoreEnd(P0, "models", 1000);
            assertThat(p.nanos(Phase.RESTORE_END)).as("a restore is still under way").isZero();
            p.onBatchRestored(P1, "models", 1200, 100);
            p.onRestoreSuspended(P1, "models", 1000);
            long end = p.nanos(Phase.RESTORE_END);
            assertThat(end).isGreaterThanOrEqualTo(p.nanos(Phase.RESTORE_START));
            assertThat(p.remainingRecords()).isZero();
            assertThat(metrics.scrape()).contains("streamlearn_restore_records_total 2000.0")
                    .contains("streamlearn_restore_remaining_records 0.0");

            // a task assigned later restores again before RUNNING: the end moves, the start stays
            long start = p.nanos(Phase.RESTORE_START);
            p.onRestoreStart(P0, "models", 1000, 1010);
            p.onBatchRestored(P0, "models", 1010, 10);
            p.onRestoreEnd(P0, "models", 10);
            assertThat(p.nanos(Phase.RESTORE_START)).isEqualTo(start);
            assertThat(p.nanos(Phase.RESTORE_END)).isGreaterThanOrEqualTo(end);
        }
    }

    @Test
    void runningIsTimedOnceAndTheStateGoesOnToTheNextListener() {
        StartupProgress p = new StartupProgress();
        List<State> seen = new ArrayList<>();
        var listener = p.listener((now, before) -> seen.add(now));
        p.onRestoreStart(P0, "models", 0, 5);
        p.onBatchRestored(P0, "models", 5, 5);
        p.onRestoreEnd(P0, "models", 5);
        listener.onChange(State.REBALANCING, State.CREATED);
        assertThat(p.nanos(Phase.RUNNING)).isZero();
        listener.onChange(State.RUNNING, State.REBALANCING);
        long running = p.nanos(Phase.RUNNING);
        assertThat(running).isGreaterThanOrEqualTo(p.nanos(Phase.RESTORE_END)).isPositive();
        long end = p.nanos(Phase.RESTORE_END);
        listener.onChange(State.REBALANCING, State.RUNNING);
        p.onRestoreStart(P1, "models", 0, 5);
        p.onRestoreEnd(P1, "models", 5);
        listener.onChange(State.RUNNING, State.REBALANCING);
        assertThat(p.nanos(Phase.RUNNING)).as("the first RUNNING only").isEqualTo(running);
        assertThat(p.nanos(Phase.RESTORE_END)).as("restores after RUNNING are not the start's").isEqualTo(end);
        assertThat(seen).containsExactly(State.REBALANCING, State.RUNNING, State.REBALANCING, State.RUNNING);
        assertThat(p.summary()).startsWith("start-up: restore_start +").contains(" running +")
                .contains(" 5 records restored; start() was ");
    }
}
