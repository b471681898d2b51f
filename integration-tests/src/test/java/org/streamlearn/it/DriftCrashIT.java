package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.config.Topics;
import org.streamlearn.it.support.Backtests;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Json;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ModelAssertions;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.it.support.TopicReader;

/**
 * {@code kill -9} between a drift detection and the next commit (exactly-once, a 20 s commit interval): the
 * service learns the reference drift stream with a Page-Hinkley {@code reset} detector; as soon as its
 * transaction has written the drift record (seen with {@code read_uncommitted}) the process is killed. Nothing
 * of it may be committed; a new process on a fresh state directory (the store restored from the changelog)
 * relearns the uncommitted events, and in the end {@code model-events} holds each detection exactly once, the
 * same as {@code streamlearn backtest}'s, and the model equals the backtest's bit for bit.
 */
@ExtendWith(KafkaFixture.class)
class DriftCrashIT {

    private static final String MODEL = "drift-crash";
    private static final String SPEC = "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02},\"publishEvery\":100000,\"drift\":{\"detector\":\"page_hinkley\","
            + "\"signal\":\"loss\",\"action\":\"reset\"}}";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @Test
    @Timeout(value = 480, unit = TimeUnit.SECONDS)
    void aKillBetweenADetectionAndItsCommitLeavesExactlyOneRecord(KafkaCluster kafka) throws Exception {
        Path work = ItEnv.workDir("drift-crash");
        List<String> lines = Files.readAllLines(ItEnv.reference().resolve("data/drift.jsonl"));
        JsonNode backtest = Backtests.run(work, MODEL, SPEC, lines);
        List<JsonNode> expected = new ArrayList<>();
        backtest.get("modelEvents").forEach(expected::add);
        assertThat(expected).as("the backtest detects the drift").isNotEmpty();

        String bootstrap = kafka.bootstrapServers();
        String prefix = TestIds.prefix("driftcrash");
        Topics topics = TestIds.topics(prefix);
        Map<String, String> settings = new LinkedHashMap<>(TestIds.topicSettings(prefix));
        settings.put("topics.partitions", "1");
        settings.put("processing.guarantee", "exactly_once_v2");
        settings.put("commit.interval.ms", "20000");
        settings.put("kafka.producer.transaction.timeout.ms", "40000"); // Streams: must exceed the commit interval
        String appId = prefix + "app";

        ServiceProcess first = ServiceProcess.run(bootstrap, appId, work.resolve("state-0"), settings,
                work.resolve("service-0.log"));
        ServiceProcess second = null;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap);
             TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters());
             TopicReader uncommitted = new TopicReader(bootstrap, topics.modelEvents(), false)) {
            KafkaClients.awaitTopics(bootstrap, topics.all(), TIMEOUT);
            KafkaClients.send(producer, topics.modelCommands(), MODEL,
                    "{\"command\":\"upsert\",\"spec\":" + SPEC + "}");
            parameters.awaitLatest(MODEL, TIMEOUT, v -> v.path("seen").asLong(-1) == 0); // committed: created
            for (String line : lines) {
                KafkaClients.send(producer, topics.trainingEvents(), MODEL, line);
            }
            uncommitted.awaitRecords("the drift record, uncommitted", TIMEOUT, r -> !r.isEmpty());
            first.kill();
            try (TopicReader committed = new TopicReader(bootstrap, topics.modelEvents())) {
                assertThat(committed.readToEnd(Duration.ofSeconds(10)))
                        .as("the kill came between the detection and its commit").isEmpty();
            }

            second = ServiceProcess.run(bootstrap, appId, work.resolve("state-1"), settings,
                    work.resolve("service-1.log"));
            KafkaClients.send(producer, topics.modelCommands(), MODEL, "{\"command\":\"publish\"}");
            JsonNode model = parameters.awaitLatest(MODEL, TIMEOUT, v -> v.path("seen").asLong() == lines.size());
            ModelAssertions.assertSameModel(model, backtest.get("model"), "the model after kill -9");
            try (TopicReader committed = new TopicReader(bootstrap, topics.modelEvents())) {
                List<ConsumerRecord<String, String>> records = committed.readToEnd(TIMEOUT);
                assertThat(records).hasSameSizeAs(expected);
                for (int i = 0; i < records.size(); i++) {
                    ObjectNode live = (ObjectNode) Json.parse(records.get(i).value());
                    ObjectNode replay = ((ObjectNode) expected.get(i)).deepCopy();
                    for (ObjectNode o : List.of(live, replay)) {
                        o.remove("atMs");
                        o.remove("modelVersion"); // the upsert command that created the live model is a version
                    }
                    assertThat(live).as("model-events record " + i).isEqualTo(replay);
                }
            }
        } finally {
            first.kill();
            if (second != null) {
                second.kill();
            }
        }
    }
}
