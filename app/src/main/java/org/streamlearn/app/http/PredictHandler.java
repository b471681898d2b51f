package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ModelIds;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.streams.Outputs;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.Prediction;
import org.streamlearn.store.json.Json;

/**
 * {@code POST /models/{id}/predict} with {@code {"id"?, "features": …}}: a prediction of the model's last
 * committed state, in the shape of the {@code predictions} topic; served by the owner (or from a standby, marked
 * {@code "stale": true} with {@code "lagRecords"}).
 */
final class PredictHandler {

    private final CommandClient log;
    private final String logTopic;

    /**
     * A handler that appends predictions with an id of models with feedback to {@code logTopic}
     * ({@code prediction-log}), waiting until Kafka has them before answering, so that a label sent after the
     * answer finds its prediction (DESIGN.md "Delayed labels").
     */
    PredictHandler(CommandClient log, String logTopic) {
        this.log = log;
        this.logTopic = logTopic;
    }

    void predict(Request r, ModelSource source) throws IOException {
        ParsedEvent e;
        try {
            e = EventParser.parseRequest(r.body());
        } catch (InvalidEventException err) {
            throw new HttpError(400, err.field(), err.getMessage());
        }
        if (e.model() != null && !e.model().equals(r.id())) {
            throw new HttpError(400, "model", "model: \"" + ModelIds.display(e.model())
                    + "\" differs from the model id in the path \"" + r.id() + "\"");
        }
        ModelSource.Served served = source.find(r.id());
        if (served == null) {
            throw ModelHandler.unknown(r.id());
        }
        ModelCache.Decoded d = served.model();
        Prediction p;
        synchronized (d) {
            try {
                p = d.state().learner().predict(d.encoder().features(e));
            } catch (InvalidEventException err) {
                throw new HttpError(400, err.field(), err.getMessage());
            } catch (InvalidExampleException err) {
                InvalidEventException named = d.encoder().named(err, e);
                throw new HttpError(400, named.field(), named.getMessage());
            }
        }
        ObjectNode o = Outputs.prediction(e.id(), d.state(), p, System.currentTimeMillis());
        if (log != null && e.id() != null && d.state().spec().feedback() != null) {
            ObjectNode logged = o.deepCopy();
            logged.set("features", Json.MAPPER.readTree(r.body()).get("features"));
            log.sendTo(logTopic, r.id(), Json.MAPPER.writeValueAsBytes(logged));
        }
        if (served.stale()) {
            o.put("stale", true);
            o.put("lagRecords", served.lagRecords());
        }
        Responses.json(r.exchange(), 200, o);
    }
}
