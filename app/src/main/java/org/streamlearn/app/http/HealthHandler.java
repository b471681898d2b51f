package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.streamlearn.store.json.Json;

/** {@code GET /health}: the Kafka Streams state, 200 when RUNNING, else 503. */
final class HealthHandler {

    private final MetadataService metadata;

    HealthHandler(MetadataService metadata) {
        this.metadata = metadata;
    }

    void get(Request r) throws IOException {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("state", metadata.state());
        Responses.json(r.exchange(), metadata.running().isPresent() ? 200 : 503, o);
    }
}
