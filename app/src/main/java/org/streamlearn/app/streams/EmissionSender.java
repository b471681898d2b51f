package org.streamlearn.app.streams;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamlearn.app.events.ModelIds;

/**
 * Sends what {@link ModelLifecycle} returns, for both processors: every {@link Emissions} kind to its sink,
 * every output bounded (a value larger than the limits' {@code maxValueBytes}, which the topics the service
 * creates and its producer accept, would fail its send and stall the task, so it becomes a dead letter saying so),
 * rejections as dead letters carrying the record's source, a bounded copy of its original and a
 * {@code streamlearn.reason} header, and the counters of {@link TrainingMetrics}. Allocates only what it sends.
 */
final class EmissionSender {

    private static final Logger LOG = LoggerFactory.getLogger(EmissionSender.class);

    /** {@link #forward}'s result bits: the input was rejected; a step was refused; it was spread to a replica. */
    static final int REJECTED = 1;
    static final int REFUSED = 2;
    static final int SPREAD = 4;

    private final ProcessorContext<String, byte[]> context;
    private final TopologyFactory.Settings settings;
    private final TrainingMetrics metrics;
    private final String unfielded;
    private final String parametersSink;
    private final String deadLetterSink;

    /** A sender for a processor of the main sub-topology. */
    EmissionSender(ProcessorContext<String, byte[]> context, TopologyFactory.Settings settings,
            TrainingMetrics metrics, String unfielded) {
        this(context, settings, metrics, unfielded, "");
    }

    /**
     * @param unfielded the dead-letter category counted for a ready-made dead letter that names no field
     *                  ({@code "snapshot"} for training, {@code "feedback"} for expiries)
     * @param sinks     the prefix of the processor's sink names: each sub-topology has its own sink nodes
     *                  ({@link TopologyFactory#sink}), since a node shared by two would join them
     */
    EmissionSender(ProcessorContext<String, byte[]> context, TopologyFactory.Settings settings,
            TrainingMetrics metrics, String unfielded, String sinks) {
        this.context = context;
        this.settings = settings;
        this.metrics = metrics;
        this.unfielded = unfielded;
        this.parametersSink = TopologyFactory.sink(sinks, TopologyFactory.PARAMETERS_SINK);
        this.deadLetterSink = TopologyFactory.sink(sinks, TopologyFactory.DEAD_LETTER_SINK);
    }

    /** Forwards the emissions; returns {@link #REJECTED}, {@link #REFUSED} and {@link #SPREAD} bits. */
    int forward(Emissions out, Record<String, byte[]> input, long now) {
        int result = 0;
        for (int i = 0; i < out.size(); i++) {
            switch (out.kind(i)) {
                case PREDICTION -> send(out.key(i), out.value(i), TopologyFactory.PREDICTIONS_SINK, now);
                case PARAMETERS -> send(out.key(i), out.value(i), parametersSink, now);
                case METRICS -> {
                    send(out.key(i), out.value(i), TopologyFactory.METRICS_SINK, now);
                    metrics.metricsPublished(out.key(i), out.value(i));
                }
                case MODEL_EVENT -> {
                    send(out.key(i), out.value(i), TopologyFactory.MODEL_EVENTS_SINK, now);
                    metrics.modelEvent(out.key(i), out.value(i));
                    if ("drift".equals(out.field(i))) {
                        metrics.driftDetected();
                    } else {
                        metrics.promoted();
                    }
                }
                case DEAD_LETTER -> {
                    send(out.key(i), out.value(i), deadLetterSink, now);
                    metrics.deadLetter(out.field(i) == null ? unfielded : out.field(i));
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
                case REPLICA_EVENT -> {
                    Headers h = ReplicaRecords.generation(out.generation(i));
                    if (out.value(i) == null) { // the model is deleted: a tombstone tells the replica to forget
                        context.forward(new Record<String, byte[]>(out.key(i), null, now, h),
                                ReplicaTopology.EVENTS_SINK);
                        continue;
                    }
                    context.forward(new Record<>(out.key(i), input.value(), now,
                            h.add(ReplicaRecords.SPEC_HEADER, out.value(i))), ReplicaTopology.EVENTS_SINK);
                    result |= SPREAD;
                }
                case REPLICA_MODEL -> context.forward(new Record<>(out.key(i), out.value(i), now,
                        ReplicaRecords.generation(out.generation(i))), ReplicaTopology.REPORTS_SINK);
                default -> throw new IllegalStateException("not an output: " + out.kind(i));
            }
        }
        return result;
    }

    /** Forwards one output, bounded (see the class comment). */
    void send(String key, byte[] value, String sink, long now) {
        if (value != null && value.length > settings.limits().maxValueBytes()) {
            deadLetter(key, "output", "output not sent: a " + value.length + "-byte record for " + sink
                    + " exceeds the " + settings.limits().maxValueBytes() + " bytes allowed (model.max.message.bytes)",
                    null, now);
            metrics.deadLetter("output");
            return;
        }
        context.forward(new Record<>(key, value, now), sink);
    }

    /** A dead letter for the record being processed ({@code input}, or none), bounded. */
    void deadLetter(String model, String field, String reason, Record<String, byte[]> input, long now) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        byte[] value = Outputs.bytes(Outputs.deadLetter(model, md == null ? "" : md.topic(),
                md == null ? -1 : md.partition(), md == null ? -1 : md.offset(), field, reason,
                input == null ? null : input.value(), settings.deadLetterMaxOriginalBytes(), now));
        RecordHeaders h = new RecordHeaders();
        h.add("streamlearn.reason", Outputs.boundedReason(reason).getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(model, value, now, h), deadLetterSink);
    }

    /**
     * A record whose processing threw (a bug, or an input no rule foresaw): logged, sent to {@code dead-letter}
     * naming the exception's type and message, counted, so that processing goes on with the next record and the
     * stream thread is never replaced for a bad record.
     */
    void failed(Record<String, byte[]> record, Throwable ex, long now) {
        LOG.warn("record of model '{}' failed; sent to the dead-letter topic", ModelIds.display(record.key()), ex);
        deadLetter(record.key(), "record", "internal error while processing the record: "
                + ex.getClass().getSimpleName() + ": " + ex.getMessage(), record, now);
        metrics.deadLetter("record");
    }
}
