package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.streams.FeedbackRecords;
import org.streamlearn.store.json.Json;

/**
 * {@code POST /models/{id}/labels} with {@code {"id", "label", "weight"?}} (DESIGN.md "Delayed labels"): checked
 * for shape (an id, a label of a JSON type a label can have, a weight >= 0) and written to the {@code labels}
 * topic keyed by model id; answered 202 once Kafka has it. Whether the id is known, and the label fits the task,
 * the topology decides (a refused label is a dead letter with the reason).
 */
final class FeedbackHandler {

    private final CommandClient client;
    private final String labelsTopic;

    FeedbackHandler(CommandClient client, String labelsTopic) {
        this.client = client;
        this.labelsTopic = labelsTopic;
    }

    void label(Request r) throws IOException {
        String id;
        try {
            id = FeedbackRecords.parseLabel(r.body()).id();
        } catch (InvalidEventException e) {
            throw new HttpError(400, e.field(), e.getMessage());
        }
        client.sendTo(labelsTopic, r.id(), r.body());
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("model", r.id());
        o.put("id", id);
        o.put("accepted", "label");
        Responses.json(r.exchange(), 202, o);
    }
}
