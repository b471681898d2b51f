package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.it.support.Backtests;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ModelAssertions;
import org.streamlearn.it.support.ModelCommands;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.it.support.TopicReader;

/**
 * One model learned by four replicas (DESIGN.md "Replicas") on two service instances and four partitions, one
 * instance killed with {@code kill -9} in the middle of the stream: the survivor takes its tasks over, the loop
 * (replica events, reports, merges) resumes from the last commit, and the final merged model is the one
 * {@code streamlearn backtest} computes for the same spec, bit for bit, with every event counted exactly once.
 */
@ExtendWith(KafkaFixture.class)
class ReplicasCrashIT {

    private static final String MODEL = "replicated";
    private static final int EVENTS = 2_400;
    private static final String SPEC = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02},\"replicas\":{\"count\":4,\"syncEvery\":50}}";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void aKilledInstanceLosesNoUpdateAndAppliesNoneTwice(KafkaCluster kafka) throws Exception {
        Path work = ItEnv.workDir("replicas-crash");
        StreamGenerator gen = new StreamGenerator(StreamGenerator.Task.REGRESSION, 5, 1, Long.MAX_VALUE, 0.3, 11);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            lines.add(gen.next());
        }
        // EVENTS is a whole number of rounds of all replicas: the backtest's closing merge is the last round's
        JsonNode backtest = Backtests.run(work, MODEL, SPEC, lines);

        String bootstrap = kafka.bootstrapServers();
        String prefix = TestIds.prefix("replicas");
        Topics topics = TestIds.topics(prefix);
        Map<String, String> settings = TestIds.exactlyOnceSettings(prefix, 4);
        // the default max.task.idle.ms: each loop step is a sub-topology with one input topic (architecture.md)
        String appId = prefix + "app";
        List<ServiceProcess> all = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            all.add(ServiceProcess.run(bootstrap, appId, work.resolve("state-" + i), settings,
                    work.resolve("service-" + i + ".log")));
        }
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap)) {
            KafkaClients.awaitTopics(bootstrap, topics.all(), TIMEOUT);
            ModelCommands.upsertAndAwaitCreated(bootstrap, producer, topics, Map.of(MODEL, SPEC), TIMEOUT);
            try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
                for (String line : lines) {
                    producer.send(new ProducerRecord<>(topics.trainingEvents(), MODEL, line));
                }
                producer.flush();
                JsonNode before = parameters.awaitLatest(MODEL, TIMEOUT,
                        v -> v.path("seen").asLong() >= EVENTS / 4);
                assertThat(before.path("seen").asLong()).as("killed in the middle").isLessThan(EVENTS);
                all.get(0).kill();
                JsonNode model = parameters.awaitLatest(MODEL, TIMEOUT, v -> v.path("seen").asLong() >= EVENTS);
                assertThat(model.path("seen").asLong()).as("every event counted once").isEqualTo(EVENTS);
                assertSameParameters(model, backtest.get("model"));
            }
            assertThat(TopicReader.readAll(bootstrap, topics.deadLetter(), Duration.ofSeconds(10)))
                    .as("dead-letter records").isEmpty();
        } finally {
            ServiceProcess.closeAll(all);
        }
    }

    /** The weights and intercept of two linear snapshots are the same doubles, bit for bit. */
    private static void assertSameParameters(JsonNode live, JsonNode expected) {
        assertThat(live.get("weights")).hasSameSizeAs(expected.get("weights"));
        for (int j = 0; j < expected.get("weights").size(); j++) {
            assertThat(ModelAssertions.sameBits(live.get("weights").get(j).asDouble(),
                    expected.get("weights").get(j).asDouble())).as("weights[%d]: %s vs %s", j,
                    live.get("weights").get(j), expected.get("weights").get(j)).isTrue();
        }
        assertThat(ModelAssertions.sameBits(live.get("intercept").asDouble(), expected.get("intercept").asDouble()))
                .as("intercept: %s vs %s", live.get("intercept"), expected.get("intercept")).isTrue();
    }
}
