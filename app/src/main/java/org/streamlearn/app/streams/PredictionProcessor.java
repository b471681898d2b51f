package org.streamlearn.app.streams;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;

/**
 * Answers {@code prediction-requests} from the freshest model in the same task's {@link ModelStore} (the live
 * model, including what it learned since the last commit), with its {@code modelVersion}: an adapter that
 * parses the request, asks {@link ModelLifecycle#onRequest} and forwards the answer. An unknown model or a
 * bad request gets an error record on {@code predictions} carrying the request id, never silence.
 */
public final class PredictionProcessor implements Processor<String, byte[], String, byte[]> {

    private final TopologyFactory.Settings settings;
    private ProcessorContext<String, byte[]> context;
    private ModelLifecycle lifecycle;

    PredictionProcessor(TopologyFactory.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        ModelStore store = context.getStateStore(settings.storeName());
        this.lifecycle = new ModelLifecycle(settings, store);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        ParsedEvent e;
        try {
            e = EventParser.parseRequest(record.value());
        } catch (InvalidEventException ex) {
            forward(lifecycle.onRequestRejected(record.key(), ex, now), now);
            return;
        }
        forward(lifecycle.onRequest(record.key(), e, now), now);
    }

    private void forward(Emissions out, long now) {
        for (int i = 0; i < out.size(); i++) {
            context.forward(new Record<>(out.key(i), out.value(i), now), TopologyFactory.PREDICTIONS_SINK);
        }
    }
}
