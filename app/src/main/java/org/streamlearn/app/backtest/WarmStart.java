package org.streamlearn.app.backtest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.streamlearn.app.kafka.KafkaClientConfig;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * {@code --warm-start model-parameters}: every key starts from its live snapshot, the latest one, or with a time
 * {@code --from} the latest stamped at or before it, and replays the key's records stamped after the snapshot.
 *
 * <p>The snapshot's record timestamp is the cut: the key's events and commands stamped at or before it are taken
 * as already in the snapshot and skipped. That is exact when the service had learned every event stamped before
 * it published the snapshot (it kept up with the topic); an event produced before a snapshot but learned after
 * it would be skipped. A key without a snapshot (or whose latest record is a tombstone) starts fresh, at
 * {@code --from}. Under a {@code --spec}, the snapshot takes the spec as an {@code upsert} would
 * ({@link ModelState#withSpec}): the optimizer's slots are kept when its type is the same, fresh when it
 * changed, and the whole model is fresh when task, dimension or architecture changed; the summary says which.
 * Only the latest candidate snapshot of each key is held while the topic is read.
 */
public final class WarmStart {

    /** A key's snapshot: the model, its record's timestamp and position. */
    record Snapshot(ModelState state, long timestamp, String where) {
    }

    private final Map<String, Snapshot> snapshots;
    private final long freshAfter;

    private WarmStart(Map<String, Snapshot> snapshots, long freshAfter) {
        this.snapshots = snapshots;
        this.freshAfter = freshAfter;
    }

    /**
     * Reads {@code topic} to its end: per key that {@code keys} accepts (null: all), the latest snapshot stamped
     * at or before {@code fromMs} (null: the latest).
     *
     * @throws IllegalArgumentException when the topic does not exist or a chosen snapshot cannot be read
     */
    public static WarmStart read(KafkaClientConfig kafka, String topic, Predicate<String> keys, Long fromMs) {
        Map<String, ConsumerRecord<String, byte[]>> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = TopicSource.consumer(kafka)) {
            List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (parts == null || parts.isEmpty()) {
                throw new IllegalArgumentException("--warm-start: no topic '" + topic + "' on "
                        + kafka.bootstrapServers());
            }
            List<TopicPartition> tps = parts.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            consumer.seekToBeginning(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    boolean wanted = r.key() != null && (keys == null || keys.test(r.key()));
                    if (wanted && r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))
                            && (fromMs == null || r.timestamp() <= fromMs)) {
                        latest.put(r.key(), r);
                    }
                }
            }
        }
        Map<String, Snapshot> snapshots = new HashMap<>();
        latest.forEach((key, r) -> {
            if (r.value() != null) {
                String where = r.topic() + "-" + r.partition() + "@" + r.offset();
                ModelState state;
                try {
                    state = JsonStateCodec.parse(new String(r.value(), StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--warm-start: " + where + ": " + e.getMessage(), e);
                }
                if (!state.modelId().equals(key)) {
                    throw new IllegalArgumentException("--warm-start: " + where + ": a snapshot of model '"
                            + state.modelId() + "' under key '" + key + "'");
                }
                snapshots.put(key, new Snapshot(state, r.timestamp(), where));
            }
        });
        return new WarmStart(snapshots, fromMs == null ? Long.MIN_VALUE : fromMs - 1);
    }

    /** The range to read events over: from the earliest snapshot when it is older than the range's start. */
    public Range widen(Range range) {
        if (!(range.from() instanceof Range.Time t) || snapshots.isEmpty()) {
            return range;
        }
        long earliest = snapshots.values().stream().mapToLong(Snapshot::timestamp).min().orElseThrow();
        return earliest < t.epochMs() ? new Range(new Range.Time(earliest), range.to()) : range;
    }

    /** Gives {@code share} a copy of each snapshot of the keys it owns, under its configuration's spec. */
    void prepare(KeyedReplay share, int shard, int shards) {
        share.startFreshAfter(freshAfter);
        snapshots.forEach((key, s) -> {
            if (shards == 1 || Math.floorMod(key.hashCode(), shards) == shard) {
                ModelState state = s.state().copy();
                ObjectNode note = JsonNodeFactory.instance.objectNode();
                note.put("snapshot", s.where());
                note.put("timestamp", s.timestamp());
                note.put("seen", state.learned().seen());
                ModelState start = state;
                if (share.config().spec() != null && !share.config().spec().equals(state.spec())) {
                    start = state.withSpec(share.config().spec(), s.timestamp());
                    note.put("optimizer", ModelSpecs.requiresRestart(state.spec(), share.config().spec())
                            ? "fresh model (task, dimension or architecture changed)"
                            : state.spec().optimizer().type().equals(share.config().spec().optimizer().type())
                            ? "kept" : "fresh slots (optimizer " + state.spec().optimizer().type() + " -> "
                            + share.config().spec().optimizer().type() + ")");
                } else {
                    note.put("optimizer", "kept");
                }
                share.warm(key, start, s.timestamp(), note);
            }
        });
    }
}
