package org.streamlearn.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;

/** Every client takes the security settings; Streams-only and other-client settings stay where they belong. */
class KafkaClientConfigTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"u\" password=\"p\";";

    private final ServiceConfig config = ConfigLoader.load(null, Map.of("STREAMLEARN_KAFKA_SECURITY_PROTOCOL",
            "SASL_SSL"), Map.of("bootstrap.servers", "h:9093", "kafka.sasl.mechanism", "SCRAM-SHA-512",
            "kafka.sasl.jaas.config", JAAS, "kafka.ssl.truststore.location", "/etc/t.jks",
            "kafka.num.standby.replicas", "1", "kafka.max.poll.records", "7", "kafka.admin.request.timeout.ms", "111",
            "kafka.producer.linger.ms", "9", "kafka.consumer.fetch.min.bytes", "3"));

    @Test
    void everyKindOfClientTakesTheConnectionAndSecuritySettings() {
        KafkaClientConfig k = config.kafkaClients();
        for (Map<String, Object> c : List.of(k.admin(Map.of()), k.producer(Map.of()), k.consumer(Map.of()))) {
            assertThat(c).containsEntry("bootstrap.servers", "h:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("sasl.jaas.config", JAAS)
                    .containsEntry("ssl.truststore.location", "/etc/t.jks")
                    .doesNotContainKey("num.standby.replicas");
        }
    }

    @Test
    void eachKindTakesOnlyItsOwnSettingsAndItsPrefixAndThoseWinOverTheCallersDefaults() {
        KafkaClientConfig k = config.kafkaClients();
        assertThat(k.consumer(Map.of("max.poll.records", 5000))).containsEntry("max.poll.records", "7")
                .containsEntry("fetch.min.bytes", "3").doesNotContainKey("linger.ms");
        assertThat(k.producer(Map.of("linger.ms", 5, "acks", "all"))).containsEntry("linger.ms", "9")
                .containsEntry("acks", "all").doesNotContainKey("max.poll.records").doesNotContainKey("fetch.min.bytes");
        assertThat(k.admin(Map.of("request.timeout.ms", 10_000))).containsEntry("request.timeout.ms", "111")
                .doesNotContainKey("max.poll.records").doesNotContainKey("linger.ms");
    }

    @Test
    void kafkaStreamsStillGetsEverySettingAsItIs() {
        assertThat(config.kafkaClients().settings()).containsEntry("num.standby.replicas", "1")
                .containsEntry("admin.request.timeout.ms", "111").containsEntry("security.protocol", "SASL_SSL");
        assertThat(org.streamlearn.app.service.StreamlearnService.streamsProperties(config, null))
                .containsEntry("sasl.jaas.config", JAAS).containsEntry("num.standby.replicas", "1");
    }

    @Test
    void itsTextNeverShowsAValue() {
        assertThat(config.kafkaClients().toString()).contains("sasl.jaas.config").doesNotContain("password");
    }
}
