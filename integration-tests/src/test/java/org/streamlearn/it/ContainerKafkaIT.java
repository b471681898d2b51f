package org.streamlearn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.streamlearn.it.support.EndToEndScenario;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.KafkaCluster;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same end-to-end assertions as {@link EndToEndIT} ({@link EndToEndScenario}) against an {@code apache/kafka}
 * container (image {@code -Dkafka.image}, default {@code apache/kafka:<kafka.version>}). Skipped where Docker is not
 * available (as on the project's machines and CI); {@link EndToEndIT} runs the same assertions on a local broker
 * everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(ItEnv.property("kafka.image").orElse("apache/kafka:4.3.1"));

    @Test
    @Timeout(600)
    void learnsPredictsAndDeadLettersExactlyLikeTheBacktest() throws Exception {
        EndToEndScenario.run(new KafkaCluster() {
            @Override
            public String bootstrapServers() {
                return KAFKA.getBootstrapServers();
            }

            @Override
            public String description() {
                return "Testcontainers " + KAFKA.getDockerImageName();
            }
        }, ItEnv.workDir("container-e2e"));
    }
}
