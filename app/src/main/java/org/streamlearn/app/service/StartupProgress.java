package org.streamlearn.app.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up of one service instance, phase by phase, and the progress of its state restores: a Kafka Streams
 * {@link StateRestoreListener} (for every store of the instance) and a watcher of its state.
 *
 * <p>At INFO (on by default for this class in the jar's {@code simplelogger.properties}) it logs the start of the
 * restores, their progress every {@link #PROGRESS_INTERVAL_NANOS 5 s} while they last (records restored of the
 * total, rate, store partitions left), their end, and once, when Kafka Streams first reaches {@code RUNNING},
 * the time of each phase since {@link StreamlearnService#start()} and since the JVM started.
 *
 * <p>Meters ({@link #bindTo}): {@code streamlearn_restore_records_total} (records restored into this instance's
 * active stores since it started) and {@code streamlearn_restore_remaining_records} (records left in the restores
 * under way, 0 when none is).
 */
public final class StartupProgress implements StateRestoreListener, MeterBinder {

    /** How often a long restore logs its progress. */
    public static final long PROGRESS_INTERVAL_NANOS = 5_000_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(StartupProgress.class);

    /** The phases of a start, in order; each is timed once, when it first happens. */
    public enum Phase {
        /** {@link StreamlearnService#start()} called. */
        START,
        /** Topics described (and created when missing), inputs' co-partitioning checked. */
        TOPICS_CHECKED,
        /** {@code KafkaStreams.start()} returned (the topology built, clients created). */
        STREAMS_STARTED,
        /** The first store partition began to restore (after the group join and the assignment). */
        RESTORE_START,
        /** The last restore under way ended, the last time before {@link #RUNNING} (tasks restore one after another). */
        RESTORE_END,
        /** Kafka Streams first reached RUNNING: every active task restored and processing. */
        RUNNING
    }

    /** One store partition's restore. */
    private record Restore(String store, long startOffset, long endOffset, AtomicLong restored) {
    }

    private final AtomicLongArray at = new AtomicLongArray(Phase.values().length);
    private final Map<TopicPartition, Restore> active = new ConcurrentHashMap<>();
    private final AtomicLong restoredTotal = new AtomicLong();
    private final AtomicLong restoredAtRunning = new AtomicLong(-1);
    private final AtomicLong lastProgressLog = new AtomicLong();
    private volatile long restoreStartedNanos;
    private volatile long restoredAtStretchStart;
    private volatile Counter restoredCounter;

    /** Times {@link Phase#START} now. */
    public StartupProgress() {
        mark(Phase.START);
    }

    /** Times {@code phase} at {@code System.nanoTime()}, unless it was timed already. */
    public void mark(Phase phase) {
        at.compareAndSet(phase.ordinal(), 0, System.nanoTime());
    }

    /** Times the end of the restores now, until RUNNING (the restores of a start end once per task or so). */
    private void restoresEnded(long now) {
        if (nanos(Phase.RUNNING) == 0) {
            at.set(Phase.RESTORE_END.ordinal(), now);
        }
    }

    /** The {@code System.nanoTime()} of {@code phase}, or 0 if it has not happened. */
    public long nanos(Phase phase) {
        return at.get(phase.ordinal());
    }

    /** Records restored into active stores since the start. */
    public long restoredRecords() {
        return restoredTotal.get();
    }

    /** Records left in the restores under way. */
    public long remainingRecords() {
        long sum = 0;
        for (Restore r : active.values()) {
            sum += Math.max(0, r.endOffset - r.startOffset - r.restored.get());
        }
        return sum;
    }

    /** A state listener that times {@link Phase#RUNNING} and logs the phases, then calls {@code next}. */
    public KafkaStreams.StateListener listener(KafkaStreams.StateListener next) {
        return (newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING && nanos(Phase.RUNNING) == 0) {
                mark(Phase.RUNNING);
                restoredAtRunning.compareAndSet(-1, restoredTotal.get());
                LOG.info("{}", summary());
            }
            next.onChange(newState, oldState);
        };
    }

    /** The phases so far, in ms since {@code start()} and since the JVM started, as the RUNNING log line has it. */
    public String summary() {
        long t0 = nanos(Phase.START);
        // the JVM's start, on the nanoTime scale: its uptime before t0 is the same on both clocks
        long jvmUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
        long jvmStartNanos = System.nanoTime() - jvmUptimeMs * 1_000_000L;
        StringBuilder sb = new StringBuilder("start-up:");
        for (Phase p : Phase.values()) {
            long t = nanos(p);
            if (p != Phase.START && t != 0) {
                sb.append(String.format(Locale.ROOT, " %s +%d ms,", p.name().toLowerCase(Locale.ROOT),
                        (t - t0) / 1_000_000));
            }
        }
        long restored = restoredAtRunning.get() < 0 ? restoredTotal.get() : restoredAtRunning.get();
        sb.append(String.format(Locale.ROOT, " %,d records restored; start() was %d ms after the JVM's start",
                restored, Math.max(0, (t0 - jvmStartNanos) / 1_000_000)));
        return sb.toString();
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
        long now = System.nanoTime();
        if (active.isEmpty()) {
            restoreStartedNanos = now;
            restoredAtStretchStart = restoredTotal.get();
            lastProgressLog.set(now);
        }
        mark(Phase.RESTORE_START);
        active.put(partition, new Restore(store, startOffset, endOffset, new AtomicLong()));
        if (endOffset > startOffset) {
            LOG.info("restoring store {} from {}: up to {} records (offsets {} to {})", store, partition,
                    endOffset - startOffset, startOffset, endOffset);
        } else {
            LOG.debug("store {} from {}: nothing to restore", store, partition);
        }
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        Restore r = active.get(partition);
        if (r != null) {
            r.restored.addAndGet(numRestored);
        }
        restoredTotal.addAndGet(numRestored);
        Counter c = restoredCounter;
        if (c != null) {
            c.increment(numRestored);
        }
        long now = System.nanoTime();
        long last = lastProgressLog.get();
        if (now - last >= PROGRESS_INTERVAL_NANOS && lastProgressLog.compareAndSet(last, now)) {
            long done = 0;
            long total = 0;
            for (Restore x : active.values()) {
                done += x.restored.get();
                total += x.endOffset - x.startOffset;
            }
            double seconds = (now - restoreStartedNanos) / 1e9;
            LOG.info(String.format(Locale.ROOT, "restoring: %,d of up to %,d records (%.0f %%) in %.1f s, %,.0f "
                    + "records/s, %d store partitions under way (%s)", done, total, total == 0 ? 100.0
                    : 100.0 * done / total, seconds, done / Math.max(seconds, 1e-9), active.size(), stores()));
        }
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        ended(partition, store, totalRestored, "restored");
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        ended(partition, store, totalRestored, "suspended (the task moved)");
    }

    private void ended(TopicPartition partition, String store, long totalRestored, String how) {
        active.remove(partition);
        LOG.debug("store {} from {}: {} {} records", store, partition, how, totalRestored);
        if (active.isEmpty()) {
            long now = System.nanoTime();
            restoresEnded(now);
            long records = restoredTotal.get() - restoredAtStretchStart;
            if (records > 0) {
                LOG.info(String.format(Locale.ROOT, "restores done: %,d records in %d ms (%,d since the start)",
                        records, (now - restoreStartedNanos) / 1_000_000, restoredTotal.get()));
            }
        }
    }

    private String stores() {
        return String.join(", ", new TreeSet<>(active.values().stream().map(Restore::store).toList()));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        restoredCounter = Counter.builder("streamlearn.restore.records")
                .description("records restored into this instance's active stores from their changelogs")
                .register(registry);
        Gauge.builder("streamlearn.restore.remaining.records", this, StartupProgress::remainingRecords)
                .description("records left in the store restores under way (0 when none is)").register(registry);
    }
}
