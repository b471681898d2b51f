package org.streamlearn.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.config.ConfigLoader;

/** The producer settings the service gives Kafka Streams, and that {@code kafka.*} overrides them. */
class StreamsPropertiesTest {

    private static Properties properties(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("bootstrap.servers", "127.0.0.1:9092");
        return StreamlearnService.streamsProperties(ConfigLoader.load(null, Map.of(), all), null);
    }

    @Test
    void theProducerBatchesSixtyFourKibibytesUnlessTold() {
        Properties p = properties(Map.of());
        assertThat(p).containsEntry("producer.batch.size", 64 * 1024);
        // what the producer of a stream thread gets in the end
        Map<String, Object> producer = new StreamsConfig(p).getProducerConfigs("client");
        assertThat(producer).containsEntry("batch.size", 64 * 1024);

        Properties told = properties(Map.of("kafka.producer.batch.size", "16384"));
        assertThat(new StreamsConfig(told).getProducerConfigs("client")).containsEntry("batch.size", "16384");
    }
}
