package org.streamlearn.app.streams;

import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;

/**
 * Learns from {@code training-events} and applies {@code model-commands}, one model per key, in the
 * {@link ModelStore}: an adapter between Kafka Streams and {@link ModelLifecycle}, which holds the policy.
 *
 * <p>Per record: parse the value, hand it with its key and the time to the lifecycle, forward what it returns
 * to {@code model-parameters}, {@code model-metrics} and {@code dead-letter} (a rejection becomes a dead letter
 * carrying the record's source, its original bytes and a {@code streamlearn.reason} header). Two wall-clock
 * punctuators drive the lifecycle's timers: the metrics interval and the mini-batch {@code maxDelayMs} check.
 */
public final class TrainingProcessor implements Processor<String, byte[], String, byte[]> {


    private final TopologyFactory.Settings settings;
    private final TrainingMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private ModelLifecycle lifecycle;
    private EmissionSender sender;

    TrainingProcessor(TopologyFactory.Settings settings, TrainingMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.sender = new EmissionSender(context, settings, metrics, "snapshot");
        ModelStore store = context.getStateStore(settings.storeName());
        this.lifecycle = new ModelLifecycle(settings, store, PendingStore.of(context, settings.storeName()))
                .withReplicas(new ReplicaCounters(context.getStateStore(ReplicaRecords.COUNTERS_STORE)))
                .withMerged(context.<KeyValueStore<String, byte[]>>getStateStore(ReplicaRecords.MERGED_STORE)::get);
        if (settings.metricsIntervalMs() > 0) {
            context.schedule(Duration.ofMillis(settings.metricsIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                    now -> sender.forward(lifecycle.onMetricsTimer(now), null, now));
        }
        context.schedule(Duration.ofMillis(settings.batchCheckIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                now -> sender.forward(lifecycle.onBatchTimer(now), null, now));
    }

    /**
     * Handles one record. An unexpected exception from the parser or the lifecycle (a bug, or an input no rule
     * foresaw) becomes a dead letter naming its type and message, and processing goes on with the next record:
     * the stream thread is never replaced for a bad record. Kafka's own exceptions (the store, a fenced
     * producer, a migrated task) still propagate, for Kafka Streams to handle.
     */
    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        boolean command = context.recordMetadata().map(RecordMetadata::topic).orElse("")
                .equals(settings.topics().modelCommands());
        Emissions out;
        try {
            out = command ? handleCommand(record, now) : handleEvent(record, now);
        } catch (KafkaException ex) {
            throw ex;
        } catch (RuntimeException | StackOverflowError ex) {
            sender.failed(record, ex, now);
            if (!command) {
                metrics.eventRejected();
            }
            return;
        }
        int result = sender.forward(out, record, now);
        if (command) {
            return;
        }
        if ((result & EmissionSender.REJECTED) != 0) {
            metrics.eventRejected();
        } else if ((result & EmissionSender.REFUSED) != 0) {
            metrics.eventRefused();
        } else if ((result & EmissionSender.SPREAD) != 0) {
            metrics.eventSpread();
        } else {
            metrics.eventLearned();
        }
    }

    private Emissions handleCommand(Record<String, byte[]> record, long now) {
        ModelCommand c;
        try {
            c = ModelCommand.parse(record.value());
        } catch (InvalidEventException ex) {
            return lifecycle.onCommandRejected(record.key(), ex);
        }
        return lifecycle.onCommand(record.key(), c, now);
    }

    private Emissions handleEvent(Record<String, byte[]> record, long now) {
        ParsedEvent e;
        try {
            e = EventParser.parseTraining(record.value());
        } catch (InvalidEventException ex) {
            return lifecycle.onEventRejected(record.key(), ex);
        }
        return lifecycle.onEvent(record.key(), e, now);
    }
}
