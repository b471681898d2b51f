package org.streamlearn.app.streams;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.Prediction;

/**
 * Answers {@code prediction-requests} from the freshest model in the same task's {@link ModelStore} (the live
 * model, including what it learned since the last commit), with its {@code modelVersion}. An unknown model or
 * a bad request gets an error record on {@code predictions} carrying the request id, never silence.
 */
public final class PredictionProcessor implements Processor<String, byte[], String, byte[]> {

    private final TopologyFactory.Settings settings;
    private ProcessorContext<String, byte[]> context;
    private ModelStore store;

    PredictionProcessor(TopologyFactory.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(settings.storeName());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        String key = record.key();
        ParsedEvent e;
        try {
            e = EventParser.parseRequest(record.value());
        } catch (InvalidEventException ex) {
            error(null, key, ex.field(), ex.getMessage(), now);
            return;
        }
        String id = key != null ? key : e.model();
        if (id == null) {
            error(e.id(), null, "key", "key: null and the request has no \"model\" field", now);
            return;
        }
        LiveModel m = store.model(id);
        if (m == null) {
            error(e.id(), id, "model", "model: unknown model '" + id + "'", now);
            return;
        }
        Prediction p;
        try {
            p = m.state().learner().predict(m.encoder().features(e));
        } catch (InvalidEventException ex) {
            error(e.id(), id, ex.field(), ex.getMessage(), now);
            return;
        } catch (InvalidExampleException ex) {
            error(e.id(), id, ex.field(), ex.getMessage(), now);
            return;
        }
        context.forward(new Record<>(id, Outputs.bytes(Outputs.prediction(e.id(), m.state(), p, now)), now),
                TopologyFactory.PREDICTIONS_SINK);
    }

    private void error(String requestId, String model, String field, String reason, long now) {
        context.forward(new Record<>(model, Outputs.bytes(Outputs.predictionError(requestId, model, field, reason,
                now)), now), TopologyFactory.PREDICTIONS_SINK);
    }
}
