package org.streamlearn.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/** Topics on a real broker: idempotent creation, partition counts, a conflicting count, topic configs. */
class TopicAdminTest {

    @Test
    void createsTopicsIdempotentlyAndDescribesTheirPartitionCounts() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            try (TopicAdmin topics = TopicAdmin.connect(bootstrap)) {
                assertThat(topics.createTopic(TopicSpec.of("numbers", 3))).isTrue();
                assertThat(topics.createTopic(TopicSpec.of("numbers", 3))).isFalse();
                assertThat(topics.createTopics(List.of(TopicSpec.of("numbers", 3), TopicSpec.of("tx", 1),
                        TopicSpec.of("models", 2).compacted()))).containsExactlyInAnyOrder("tx", "models");
                assertThat(topics.partitionCount("numbers")).hasValue(3);
                assertThat(topics.partitionCount("absent")).isEmpty();
                assertThat(topics.partitionCounts(List.of("numbers", "models", "absent")))
                        .isEqualTo(Map.of("numbers", 3, "models", 2));
                assertThatThrownBy(() -> topics.createTopic(TopicSpec.of("numbers", 4)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("exists with 3 partitions");
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, "models");
                assertThat(admin.describeConfigs(List.of(models)).all().get().get(models)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            }
        }
    }
}
