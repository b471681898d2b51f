package org.streamlearn.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.streamlearn.kafka.local.KafkaTestClients.consume;
import static org.streamlearn.kafka.local.KafkaTestClients.createTopics;
import static org.streamlearn.kafka.local.KafkaTestClients.newGroup;
import static org.streamlearn.kafka.local.KafkaTestClients.produce;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same broker in this JVM: start, records, a graceful restart, and cleanup. */
class InProcessKafkaBrokerTest {

    @Test
    void servesRecordsAcrossARestartInThisJvm() throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.builder().inProcess().build();
        Path dataDir = broker.dataDir();
        try (broker) {
            broker.start();
            assertThat(broker.pid()).isEmpty();
            createTopics(broker.bootstrapServers(), Map.of("in-process", 2));
            produce(broker.bootstrapServers(), "in-process", 100);
            assertThat(consume(broker.bootstrapServers(), "in-process", newGroup(), 100)).hasSize(100);

            broker.restart();
            assertThat(broker.isRunning()).isTrue();
            assertThat(consume(broker.bootstrapServers(), "in-process", newGroup(), 100)).hasSize(100);
            assertThatThrownBy(broker::kill).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(broker.isRunning()).isFalse();
        assertThat(dataDir).doesNotExist();
    }
}
