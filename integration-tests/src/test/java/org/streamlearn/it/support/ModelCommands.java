package org.streamlearn.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.streamlearn.app.config.Topics;

/** Commands on {@code model-commands}, as an operator sends them, and the snapshots they make the service publish. */
public final class ModelCommands {

    private ModelCommands() {
    }

    /** Sends {@code {"command": command, "spec": spec}} for {@code model} ({@code spec} null: no spec). */
    public static void send(KafkaProducer<String, String> producer, Topics topics, String model, String command,
            String spec) {
        ObjectNode cmd = Json.MAPPER.createObjectNode().put("command", command);
        if (spec != null) {
            cmd.set("spec", Json.parse(spec));
        }
        KafkaClients.send(producer, topics.modelCommands(), model, Json.write(cmd));
    }

    /** Upserts every model with its spec (JSON text), then waits until each is published with {@code seen == 0}. */
    public static void upsertAndAwaitCreated(String bootstrap, KafkaProducer<String, String> producer, Topics topics,
            Map<String, String> specs, Duration timeout) {
        try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
            specs.forEach((model, spec) -> send(producer, topics, model, "upsert", spec));
            for (String model : specs.keySet()) {
                parameters.awaitLatest(model, timeout, v -> v.path("seen").asLong(-1) == 0);
            }
        }
    }

    /**
     * Reads {@code model-parameters} to its end, sends {@code flush} to every model and returns, per model in the
     * given order, the snapshot that the flush published.
     */
    public static Map<String, JsonNode> flushAndReadFinals(String bootstrap, KafkaProducer<String, String> producer,
            Topics topics, Collection<String> models, Duration timeout) {
        Map<String, JsonNode> finals = new LinkedHashMap<>();
        try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
            parameters.readToEnd(timeout);
            Map<String, Integer> before = new LinkedHashMap<>();
            for (String model : models) {
                before.put(model, parameters.values(model).size());
                send(producer, topics, model, "flush", null);
            }
            for (String model : models) {
                parameters.awaitRecords("the snapshot published by flush of " + model, timeout,
                        rs -> parameters.values(model).size() > before.get(model));
                finals.put(model, parameters.latest(model));
            }
        }
        return finals;
    }
}
