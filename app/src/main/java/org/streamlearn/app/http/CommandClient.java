package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.streamlearn.app.kafka.KafkaClientConfig;
import org.streamlearn.store.json.Json;

/**
 * Sends model commands ({@code upsert}, {@code reset}, {@code delete}) to {@code model-commands}, and labels and
 * logged predictions to their topics ({@link #sendTo}), keyed by model id, with a Kafka producer ({@code acks=all}) created on first use and waited on for each command.
 */
public final class CommandClient implements AutoCloseable {

    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final KafkaClientConfig kafka;
    private final String topic;
    private KafkaProducer<String, byte[]> producer;
    private boolean closed;

    /** A client for the commands topic {@code topic}, its producer configured from {@code kafka}. */
    public CommandClient(KafkaClientConfig kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
    }

    /**
     * Sends a command and waits until Kafka has it.
     *
     * @throws HttpError 503 when it could not be sent
     */
    public void send(String modelId, ObjectNode command) {
        try {
            sendTo(topic, modelId, Json.MAPPER.writeValueAsBytes(command));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a record keyed by model id to another input topic ({@code labels}, {@code prediction-log}) with the
     * same producer, and waits until Kafka has it.
     *
     * @throws HttpError 503 when it could not be sent
     */
    public void sendTo(String toTopic, String modelId, byte[] value) {
        try {
            producer().send(new ProducerRecord<>(toTopic, modelId, value)).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.unavailable("service", "interrupted");
        } catch (ExecutionException e) {
            throw HttpError.unavailable("kafka", "could not send the command: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw HttpError.unavailable("kafka", "could not send the command within " + SEND_TIMEOUT_SECONDS + " s");
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (closed) {
            throw HttpError.unavailable("service", "shutting down");
        }
        if (producer == null) {
            producer = new KafkaProducer<>(kafka.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)), new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
