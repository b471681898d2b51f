package org.streamlearn.app.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ModelIds;
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

    private static final Logger LOG = LoggerFactory.getLogger(TrainingProcessor.class);
    /** {@link #forward}'s result bits: the input was rejected; a step was refused. */
    private static final int REJECTED = 1;
    private static final int REFUSED = 2;

    private final TopologyFactory.Settings settings;
    private final TrainingMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private ModelLifecycle lifecycle;

    TrainingProcessor(TopologyFactory.Settings settings, TrainingMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        ModelStore store = context.getStateStore(settings.storeName());
        this.lifecycle = new ModelLifecycle(settings, store, PendingStore.of(context, settings.storeName()));
        if (settings.metricsIntervalMs() > 0) {
            context.schedule(Duration.ofMillis(settings.metricsIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                    now -> forward(lifecycle.onMetricsTimer(now), null, now));
        }
        context.schedule(Duration.ofMillis(settings.batchCheckIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                now -> forward(lifecycle.onBatchTimer(now), null, now));
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
            LOG.warn("record of model '{}' failed; sent to the dead-letter topic", ModelIds.display(record.key()), ex);
            deadLetter(record.key(), "record", "internal error while processing the record: "
                    + ex.getClass().getSimpleName() + ": " + ex.getMessage(), record, now);
            metrics.deadLetter("record");
            if (!command) {
                metrics.eventRejected();
            }
            return;
        }
        int result = forward(out, record, now);
        if (command) {
            return;
        }
        if ((result & REJECTED) != 0) {
            metrics.eventRejected();
        } else if ((result & REFUSED) != 0) {
            metrics.eventRefused();
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

    /** Forwards the emissions; returns {@link #REJECTED} and {@link #REFUSED} bits (counted in the metrics). */
    private int forward(Emissions out, Record<String, byte[]> input, long now) {
        int result = 0;
        for (int i = 0; i < out.size(); i++) {
            switch (out.kind(i)) {
                case PARAMETERS -> send(out.key(i), out.value(i), TopologyFactory.PARAMETERS_SINK, now);
                case METRICS -> send(out.key(i), out.value(i), TopologyFactory.METRICS_SINK, now);
                case MODEL_EVENT -> {
                    send(out.key(i), out.value(i), TopologyFactory.MODEL_EVENTS_SINK, now);
                    if ("drift".equals(out.field(i))) {
                        metrics.driftDetected();
                    } else {
                        metrics.promoted();
                    }
                }
                case DEAD_LETTER -> {
                    send(out.key(i), out.value(i), TopologyFactory.DEAD_LETTER_SINK, now);
                    metrics.deadLetter("snapshot");
                }
                case REJECTED -> {
                    deadLetter(out.key(i), out.field(i), out.reason(i), input, now);
                    metrics.deadLetter(out.field(i));
                    if (ModelLifecycle.REFUSED_FIELD.equals(out.field(i))) {
                        metrics.refusedStep();
                        result |= REFUSED;
                    } else {
                        result |= REJECTED;
                    }
                }
                default -> throw new IllegalStateException("not a training output: " + out.kind(i));
            }
        }
        return result;
    }

    /**
     * Forwards one output, bounded: a value larger than the limits' {@code maxValueBytes} (which the topics the
     * service creates and its producer accept) would fail its send and stall the task, so it becomes a dead
     * letter saying so instead. Specs are sized so that snapshots never get here.
     */
    private void send(String key, byte[] value, String sink, long now) {
        if (value != null && value.length > settings.limits().maxValueBytes()) {
            deadLetter(key, "output", "output not sent: a " + value.length + "-byte record for " + sink
                    + " exceeds the " + settings.limits().maxValueBytes() + " bytes allowed (model.max.message.bytes)",
                    null, now);
            metrics.deadLetter("output");
            return;
        }
        context.forward(new Record<>(key, value, now), sink);
    }

    private void deadLetter(String model, String field, String reason, Record<String, byte[]> input, long now) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        byte[] value = Outputs.bytes(Outputs.deadLetter(model, md == null ? "" : md.topic(),
                md == null ? -1 : md.partition(), md == null ? -1 : md.offset(), field, reason,
                input == null ? null : input.value(), settings.deadLetterMaxOriginalBytes(), now));
        RecordHeaders h = new RecordHeaders();
        h.add("streamlearn.reason", Outputs.boundedReason(reason).getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(model, value, now, h), TopologyFactory.DEAD_LETTER_SINK);
    }
}
