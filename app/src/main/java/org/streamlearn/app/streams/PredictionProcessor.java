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
 * Answers {@code prediction-requests} from the freshest model in the same task's {@link ModelStore} (the live
 * model, including what it learned since the last commit; for a replicated model its latest merged model, from the
 * global {@value ReplicaRecords#MERGED_STORE} store), with its {@code modelVersion}: an adapter that
 * parses the request, asks {@link ModelLifecycle#onRequest} and forwards the answer. An unknown model or a
 * bad request gets an error record on {@code predictions} carrying the request id, never silence.
 *
 * <p>Delayed labels (DESIGN.md "Delayed labels") pass here too, so that one lifecycle and one view of the
 * {@link PendingStore} serve them: predictions of models with feedback are remembered, {@code prediction-log}
 * records (predictions the HTTP API served) are remembered, {@code labels} are matched and learned, and before
 * each record, and on a stream-time punctuator, remembered predictions whose time has passed expire. What they
 * emit goes to {@code model-parameters}, {@code model-metrics} and {@code dead-letter}.
 */
public final class PredictionProcessor implements Processor<String, byte[], String, byte[]> {

    /** Stream-time period of the expiry check when no record of this processor arrives. */
    static final Duration EXPIRY_PUNCTUATION = Duration.ofSeconds(1);

    private final TopologyFactory.Settings settings;
    private final TrainingMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private ModelLifecycle lifecycle;
    private EmissionSender sender;

    PredictionProcessor(TopologyFactory.Settings settings) {
        this(settings, TrainingMetrics.NONE);
    }

    PredictionProcessor(TopologyFactory.Settings settings, TrainingMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.sender = new EmissionSender(context, settings, metrics, "feedback");
        ModelStore store = context.getStateStore(settings.storeName());
        KeyValueStore<String, byte[]> merged = context.getStateStore(ReplicaRecords.MERGED_STORE);
        this.lifecycle = new ModelLifecycle(settings, store, PendingStore.of(context, settings.storeName()))
                .withMerged(merged::get);
        context.schedule(EXPIRY_PUNCTUATION, PunctuationType.STREAM_TIME,
                t -> {
                    sender.forward(lifecycle.onStreamTime(context.currentStreamTimeMs(), context.currentSystemTimeMs()),
                            null, context.currentSystemTimeMs());
                    if (lifecycle.lastExpired() > 0) {
                        metrics.predictionsExpired(lifecycle.lastExpired());
                    }
                });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        try {
            // what is due by the stream time before this record, deterministic whatever the wall clock
            sender.forward(lifecycle.onStreamTime(context.currentStreamTimeMs(), now), null, now);
            if (lifecycle.lastExpired() > 0) {
                metrics.predictionsExpired(lifecycle.lastExpired());
            }
            if (topic.equals(settings.topics().labels())) {
                if ((sender.forward(label(record, now), record, now) & EmissionSender.REJECTED) != 0) {
                    metrics.labelRejected();
                } else {
                    metrics.labelMatched();
                }
            } else if (topic.equals(settings.topics().predictionLog())) {
                sender.forward(logged(record, now), record, now);
            } else {
                sender.forward(request(record, now), record, now);
            }
        } catch (KafkaException ex) {
            throw ex;
        } catch (RuntimeException | StackOverflowError ex) {
            sender.failed(record, ex, now);
        }
    }

    private Emissions request(Record<String, byte[]> record, long now) {
        ParsedEvent e;
        try {
            e = EventParser.parseRequest(record.value());
        } catch (InvalidEventException ex) {
            return lifecycle.onRequestRejected(record.key(), ex, now);
        }
        return lifecycle.onRequest(record.key(), e, now, record.timestamp());
    }

    private Emissions label(Record<String, byte[]> record, long now) {
        ParsedEvent l;
        try {
            l = FeedbackRecords.parseLabel(record.value());
        } catch (InvalidEventException ex) {
            return lifecycle.onFeedbackRejected(record.key(), ex);
        }
        return lifecycle.onLabel(record.key(), l, now, record.timestamp());
    }

    private Emissions logged(Record<String, byte[]> record, long now) {
        FeedbackRecords.LoggedPrediction p;
        try {
            p = FeedbackRecords.parseLogged(record.value());
        } catch (InvalidEventException ex) {
            return lifecycle.onFeedbackRejected(record.key(), ex);
        }
        return lifecycle.onLoggedPrediction(record.key(), p, now, record.timestamp());
    }
}
