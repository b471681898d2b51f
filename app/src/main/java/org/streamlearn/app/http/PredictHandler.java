package org.streamlearn.app.http;

import java.io.IOException;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ModelIds;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.streams.Outputs;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.Prediction;

/**
 * {@code POST /models/{id}/predict} with {@code {"id"?, "features": …}}: a prediction of the model's last
 * committed state, in the shape of the {@code predictions} topic; served by the owner.
 */
final class PredictHandler {

    private final LocalModels models;

    PredictHandler(LocalModels models) {
        this.models = models;
    }

    void predict(Request r) throws IOException {
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
        ModelCache.Decoded d = models.find(r.id());
        if (d == null) {
            throw ModelHandler.unknown(r.id());
        }
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
        Responses.json(r.exchange(), 200, Outputs.prediction(e.id(), d.state(), p, System.currentTimeMillis()));
    }
}
