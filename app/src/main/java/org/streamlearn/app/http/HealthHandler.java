package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.streamlearn.store.json.Json;

/**
 * Health: {@code GET /health/live} is 200 while the process serves HTTP (with the Kafka Streams state);
 * {@code GET /health/ready} (and its alias {@code GET /health}) is 200 only when Kafka Streams is RUNNING and the
 * local model stores can be queried, else 503 with {@code Retry-After}.
 */
final class HealthHandler {

    private final MetadataService metadata;
    private final LocalModels models;

    HealthHandler(MetadataService metadata, LocalModels models) {
        this.metadata = metadata;
        this.models = models;
    }

    void live(Request r) throws IOException {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("live", true);
        o.put("state", metadata.state());
        Responses.json(r.exchange(), 200, o);
    }

    void ready(Request r) throws IOException {
        boolean ready = models.queryable();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("state", metadata.state());
        o.put("ready", ready);
        if (!ready) {
            r.exchange().getResponseHeaders().set("Retry-After", String.valueOf(HttpError.RETRY_AFTER_SECONDS));
        }
        Responses.json(r.exchange(), ready ? 200 : 503, o);
    }
}
