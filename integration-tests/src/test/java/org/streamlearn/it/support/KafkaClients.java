package org.streamlearn.it.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain kafka-clients producers and admin calls, as any user of the service would write them. */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** An idempotent producer with {@code acks=all}: per-key order survives retries and broker restarts. */
    public static KafkaProducer<String, String> producer(String bootstrap) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(c);
    }

    /** Sends one record and waits for its acknowledgement. */
    public static RecordMetadata send(KafkaProducer<String, String> producer, String topic, String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("send to " + topic + " failed: " + e, e);
        }
    }

    /** An admin client. */
    public static Admin admin(String bootstrap) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(c);
    }

    /** Waits until every topic exists (the service creates them when it starts). */
    public static void awaitTopics(String bootstrap, Collection<String> topics, Duration timeout) {
        try (Admin admin = admin(bootstrap)) {
            await("topics " + topics + " on " + bootstrap).atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(Set.copyOf(topics)));
        }
    }
}
