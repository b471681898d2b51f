package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.config.Topics;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.it.support.TopicReader;

/**
 * An open mini-batch survives {@code kill -9} and is applied by its {@code maxDelayMs} timer after the restart,
 * with no further event: the service (a separate process, exactly-once) learns 5 events of a batch of 1000, the
 * open batch is committed to the changelog, the process is killed, and a new one starts on a fresh state
 * directory, so the store is restored from the changelog. Its timer must find the restored batch and apply it.
 */
@ExtendWith(KafkaFixture.class)
class OpenBatchCrashIT {

    private static final String MODEL = "open-batch";
    private static final long MAX_DELAY_MS = 15_000;
    private static final String SPEC = "{\"task\":\"regression\",\"features\":2,\"standardize\":false,"
            + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.05},"
            + "\"update\":{\"mode\":\"minibatch\",\"batchSize\":1000,\"maxDelayMs\":" + MAX_DELAY_MS + "},"
            + "\"publishEvery\":1}";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void aRestoredOpenBatchIsAppliedByItsTimerWithNoNewEvent(KafkaCluster kafka) throws Exception {
        Path work = ItEnv.workDir("open-batch");
        String bootstrap = kafka.bootstrapServers();
        String prefix = TestIds.prefix("obatch");
        Topics topics = TestIds.topics(prefix);
        Map<String, String> settings = TestIds.exactlyOnceSettings(prefix, 1);
        settings.put("metrics.interval.ms", "200");
        settings.put("batch.check.interval.ms", "100");
        String appId = prefix + "app";

        ServiceProcess first = ServiceProcess.run(bootstrap, appId, work.resolve("state-0"), settings,
                work.resolve("service-0.log"));
        ServiceProcess second = null;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap);
             TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters());
             TopicReader metrics = new TopicReader(bootstrap, topics.modelMetrics())) {
            KafkaClients.awaitTopics(bootstrap, topics.all(), TIMEOUT);
            KafkaClients.send(producer, topics.modelCommands(), MODEL,
                    "{\"command\":\"upsert\",\"spec\":" + SPEC + "}");
            parameters.awaitLatest(MODEL, TIMEOUT, v -> v.path("seen").asLong(-1) == 0);
            long sentAt = System.currentTimeMillis();
            for (int i = 0; i < 5; i++) {
                KafkaClients.send(producer, topics.trainingEvents(), MODEL,
                        "{\"features\":[" + i + ",1],\"label\":" + (2 * i + 1) + "}");
            }
            // committed (read_committed): five events seen, no step yet: the batch is open in the changelog
            JsonNode before = metrics.awaitLatest(MODEL, TIMEOUT, v -> v.path("seen").asLong() == 5);
            assertThat(before.get("updates").asLong()).isZero();
            assertThat(System.currentTimeMillis() - sentAt)
                    .as("the batch must still be open when the service is killed").isLessThan(MAX_DELAY_MS);
            first.kill();

            // a fresh state directory: the model store is restored from its changelog
            second = ServiceProcess.run(bootstrap, appId, work.resolve("state-1"), settings,
                    work.resolve("service-1.log"));
            ServiceProcess restarted = second;
            JsonNode after;
            try {
                after = parameters.awaitLatest(MODEL, TIMEOUT, v -> v.path("updates").asLong() == 1);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("the restored open batch was not applied by its timer; log:\n"
                        + restarted.logTail(40), e);
            }
            assertThat(after.get("seen").asLong()).isEqualTo(5);
            assertThat(after.get("timedFlushes").asLong()).isEqualTo(1);
            assertThat(after.has("batch")).as("no open batch left").isFalse();
        } finally {
            first.kill();
            if (second != null) {
                second.kill();
            }
        }
    }
}
