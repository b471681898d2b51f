package org.streamlearn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.it.support.EndToEndScenario;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;

/**
 * End to end against a real broker (the local KRaft broker, or {@code -Dkafka.bootstrap}): the service in this JVM
 * with exactly-once, events produced with kafka-clients, every output topic read back; the final parameters equal
 * {@code streamlearn backtest}'s bit for bit. See {@link EndToEndScenario} for every assertion.
 */
@ExtendWith(KafkaFixture.class)
class EndToEndIT {

    @Test
    @Timeout(600)
    void learnsPredictsAndDeadLettersExactlyLikeTheBacktest(KafkaCluster kafka) throws Exception {
        EndToEndScenario.run(kafka, ItEnv.workDir("e2e"));
    }
}
