package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.streamlearn.app.metrics.ModelHistory;

/**
 * {@code GET /models/{id}/history}: the model's recent loss per candidate and its drift and promotion records, as
 * {@link ModelHistory} kept them on the instance that owns the model (a request elsewhere is forwarded there by
 * {@link ModelRoutes}); a model this instance does not know is 404. Read from a standby while the owner is
 * unavailable, it is this instance's own (possibly empty) history, marked {@code "stale": true}.
 */
final class HistoryHandler {

    private final ModelHistory history;

    HistoryHandler(ModelHistory history) {
        this.history = history;
    }

    void get(Request r, ModelSource source) throws IOException {
        ModelSource.Served served = source.find(r.id());
        if (served == null) {
            throw ModelHandler.unknown(r.id());
        }
        ObjectNode o = history.toJson(r.id());
        if (served.stale()) {
            o.put("stale", true);
            o.put("lagRecords", served.lagRecords());
        }
        Responses.json(r.exchange(), 200, o);
    }
}
