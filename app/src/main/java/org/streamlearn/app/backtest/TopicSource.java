package org.streamlearn.app.backtest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.streamlearn.app.kafka.KafkaClientConfig;

/**
 * The events topic, and optionally the commands topic, replayed as one stream, read committed, without a
 * consumer group (nothing is committed, the live service is not disturbed), up to the end offsets seen when
 * the backtest starts (or the range's end).
 *
 * <p><b>Order.</b> Every partition is read in offset order, so a key's records (one partition per key) keep
 * the order the topic holds them in. Across partitions and topics, the next record is the partition head with
 * the smallest record timestamp, as Kafka Streams picks among a task's partitions; ties go to a command before
 * an event (a spec change stamped with an event's time applies to it), then to the lower partition. Only one
 * batch per partition is buffered: a partition with records waiting is paused.
 *
 * <p><b>Range.</b> The events topic is read over {@link Range}; the commands topic from its beginning (the
 * commands before the range define each key's spec), up to {@code --to} when it is a time. With a range end
 * the replay stops after the last event of the range (later commands are not applied).
 */
public final class TopicSource implements Source {

    private static final int MAX_BUFFERED = 5000;

    /** One partition being read. */
    private static final class Lane {
        final TopicPartition tp;
        final boolean command;
        final long start;
        final long end;
        final ArrayDeque<ConsumerRecord<String, byte[]>> buffer = new ArrayDeque<>();
        boolean done;

        Lane(TopicPartition tp, boolean command, long start, long end) {
            this.tp = tp;
            this.command = command;
            this.start = start;
            this.end = end;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String name;
    private final Predicate<String> keys;
    private final boolean stopAfterEvents;
    private final List<Lane> lanes = new ArrayList<>();
    private final Map<TopicPartition, Lane> byPartition = new HashMap<>();
    private final long total;
    private long read;

    /** Every record of {@code topic} on {@code bootstrap}. */
    public TopicSource(String bootstrap, String topic) {
        this(KafkaClientConfig.of(bootstrap, Map.of()), topic, null, null, Range.ALL);
    }

    /**
     * Opens {@code topic} (and {@code commandsTopic}, if not null) with a consumer configured from {@code kafka}
     * (read committed, no group, nothing committed, whatever it says), keeping the records whose key
     * {@code keys} accepts (null: every record) within {@code range}.
     *
     * @throws IllegalArgumentException when a topic does not exist
     */
    public TopicSource(KafkaClientConfig kafka, String topic, String commandsTopic, Predicate<String> keys,
            Range range) {
        this.consumer = consumer(kafka);
        this.name = topic + (commandsTopic == null ? "" : " + " + commandsTopic);
        this.keys = keys;
        this.stopAfterEvents = range.to() != null;
        try {
            long sum = open(kafka.bootstrapServers(), topic, false, range);
            if (commandsTopic != null) {
                Range.Bound to = range.to() instanceof Range.Time ? range.to() : null;
                sum += open(kafka.bootstrapServers(), commandsTopic, true, new Range(null, to));
            }
            this.total = sum;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        consumer.assign(lanes.stream().map(l -> l.tp).toList());
        for (Lane l : lanes) {
            consumer.seek(l.tp, l.start);
        }
    }

    /** A consumer configured from {@code kafka} that reads committed records, in no group, committing nothing. */
    static KafkaConsumer<String, byte[]> consumer(KafkaClientConfig kafka) {
        Map<String, Object> p = kafka.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_BUFFERED));
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private long open(String bootstrap, String topic, boolean command, Range range) {
        List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        String option = command ? "--commands-topic" : "--topic";
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException(option + ": no topic '" + topic + "' on " + bootstrap);
        }
        List<TopicPartition> tps = parts.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        assignToo(consumer, tps);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        Map<TopicPartition, OffsetAndTimestamp> fromTime = times(tps, range.from());
        Map<TopicPartition, OffsetAndTimestamp> toTime = times(tps, range.to());
        long sum = 0;
        for (TopicPartition tp : tps) {
            int n = tp.partition();
            long b = begin.get(tp);
            long e = end.get(tp);
            long start = range.start(n, b, e, offset(fromTime, tp));
            long stop = range.stop(n, b, e, offset(toTime, tp));
            if (stop > start) {
                Lane lane = new Lane(tp, command, start, stop);
                lanes.add(lane);
                byPartition.put(tp, lane);
                sum += stop - start;
            }
        }
        return sum;
    }

    /**
     * Adds {@code tps} to the consumer's assignment before their offsets are asked for: a read-committed consumer
     * logs a warning for every partition whose offsets it gets while not assigned it.
     */
    static void assignToo(KafkaConsumer<?, ?> consumer, List<TopicPartition> tps) {
        List<TopicPartition> all = new ArrayList<>(consumer.assignment());
        tps.stream().filter(tp -> !all.contains(tp)).forEach(all::add);
        consumer.assign(all);
    }

    private Map<TopicPartition, OffsetAndTimestamp> times(List<TopicPartition> tps, Range.Bound bound) {
        if (!(bound instanceof Range.Time t)) {
            return Map.of();
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition tp : tps) {
            query.put(tp, t.epochMs());
        }
        return consumer.offsetsForTimes(query, Duration.ofSeconds(30));
    }

    private static Long offset(Map<TopicPartition, OffsetAndTimestamp> found, TopicPartition tp) {
        OffsetAndTimestamp o = found.get(tp);
        return o == null ? null : o.offset();
    }

    @Override
    public SourceRecord next() {
        while (true) {
            fill();
            Lane best = null;
            boolean eventsLeft = false;
            for (Lane l : lanes) {
                if (l.buffer.isEmpty()) {
                    continue;
                }
                eventsLeft |= !l.command;
                if (best == null || before(l, best)) {
                    best = l;
                }
            }
            if (best == null || (stopAfterEvents && !eventsLeft)) {
                return null;
            }
            ConsumerRecord<String, byte[]> r = best.buffer.poll();
            read++;
            if (keys != null && (r.key() == null || !keys.test(r.key()))) {
                continue;
            }
            return new SourceRecord(r.key(), r.timestamp(), best.command, r.value(),
                    r.topic() + "-" + r.partition() + "@" + r.offset());
        }
    }

    /** Whether lane {@code a}'s head comes before lane {@code b}'s: timestamp, then commands, then partition. */
    private static boolean before(Lane a, Lane b) {
        long ta = a.buffer.peek().timestamp();
        long tb = b.buffer.peek().timestamp();
        if (ta != tb) {
            return ta < tb;
        }
        if (a.command != b.command) {
            return a.command;
        }
        return a.tp.partition() < b.tp.partition();
    }

    /** Polls until every lane that is not done has a record buffered; lanes with records waiting are paused. */
    private void fill() {
        boolean ready = true;
        for (Lane l : lanes) {
            ready &= l.done || !l.buffer.isEmpty();
        }
        if (ready) {
            return;
        }
        while (true) {
            List<TopicPartition> hungry = new ArrayList<>();
            List<TopicPartition> fed = new ArrayList<>();
            for (Lane l : lanes) {
                if (!l.done && l.buffer.isEmpty() && consumer.position(l.tp) >= l.end) {
                    l.done = true;
                }
                (l.done || !l.buffer.isEmpty() ? fed : hungry).add(l.tp);
            }
            if (hungry.isEmpty()) {
                return;
            }
            consumer.pause(fed);
            consumer.resume(hungry);
            for (ConsumerRecord<String, byte[]> c : consumer.poll(Duration.ofMillis(200))) {
                Lane l = byPartition.get(new TopicPartition(c.topic(), c.partition()));
                if (c.offset() < l.end) {
                    l.buffer.add(c);
                }
            }
        }
    }

    @Override
    public double progress() {
        return total == 0 ? 1.0 : Math.min(1.0, (double) read / total);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
