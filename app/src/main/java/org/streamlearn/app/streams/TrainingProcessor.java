package org.streamlearn.app.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
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
    private ProcessorContext<String, byte[]> context;
    private ModelLifecycle lifecycle;

    TrainingProcessor(TopologyFactory.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        ModelStore store = context.getStateStore(settings.storeName());
        this.lifecycle = new ModelLifecycle(settings, store);
        if (settings.metricsIntervalMs() > 0) {
            context.schedule(Duration.ofMillis(settings.metricsIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                    now -> forward(lifecycle.onMetricsTimer(now), null, now));
        }
        context.schedule(Duration.ofMillis(settings.batchCheckIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                now -> forward(lifecycle.onBatchTimer(now), null, now));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        Emissions out;
        if (topic.equals(settings.topics().modelCommands())) {
            ModelCommand c;
            try {
                c = ModelCommand.parse(record.value());
            } catch (InvalidEventException ex) {
                forward(lifecycle.onCommandRejected(record.key(), ex), record, now);
                return;
            }
            out = lifecycle.onCommand(record.key(), c, now);
        } else {
            ParsedEvent e;
            try {
                e = EventParser.parseTraining(record.value());
            } catch (InvalidEventException ex) {
                forward(lifecycle.onEventRejected(record.key(), ex), record, now);
                return;
            }
            out = lifecycle.onEvent(record.key(), e, now);
        }
        forward(out, record, now);
    }

    private void forward(Emissions out, Record<String, byte[]> input, long now) {
        for (int i = 0; i < out.size(); i++) {
            switch (out.kind(i)) {
                case PARAMETERS -> context.forward(new Record<>(out.key(i), out.value(i), now),
                        TopologyFactory.PARAMETERS_SINK);
                case METRICS -> context.forward(new Record<>(out.key(i), out.value(i), now),
                        TopologyFactory.METRICS_SINK);
                case DEAD_LETTER -> context.forward(new Record<>(out.key(i), out.value(i), now),
                        TopologyFactory.DEAD_LETTER_SINK);
                case REJECTED -> deadLetter(out.key(i), out.field(i), out.reason(i), input, now);
                default -> throw new IllegalStateException("not a training output: " + out.kind(i));
            }
        }
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
