package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import org.streamlearn.app.streams.Outputs;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * {@code GET /models}: every model of this instance's tasks, as of their last commit: id, version, seen,
 * updates, rolling loss and progressive metric (the {@code model-metrics} shape), plus task and optimizer.
 */
final class ModelsHandler {

    private final LocalModels models;

    ModelsHandler(LocalModels models) {
        this.models = models;
    }

    void list(Request r) throws IOException {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Map.Entry<String, byte[]> e : models.all().entrySet()) {
            ModelState m = BinaryStateCodec.decode(e.getValue());
            ObjectNode o = Outputs.metrics(m, m.updatedAtMs());
            o.put("task", m.spec().task().logicalName());
            o.put("optimizer", m.spec().optimizer().type());
            arr.add(o);
        }
        Responses.json(r.exchange(), 200, arr);
    }
}
