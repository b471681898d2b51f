package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * {@code kill -9} between a drift detection, and a promotion, and the next commit (exactly-once, a 20 s commit
 * interval): the service learns the reference drift stream for two models on one partition (so one
 * transaction), one with a Page-Hinkley {@code reset} detector, one with two challengers and a promotion rule;
 * as soon as its transaction has written both the drift record and the promotion record (seen with
 * {@code read_uncommitted}) the process is killed. Nothing of it may be committed; a new process on a fresh
 * state directory (the stores restored from the changelog) relearns the uncommitted events, and in the end
 * {@code model-events} holds each detection and each promotion exactly once, the same as
 * {@code streamlearn backtest}'s, and each model (champion and challengers) equals the backtest's bit for bit.
 */
@ExtendWith(KafkaFixture.class)
class DriftCrashIT {

    private static final String MODEL = "drift-crash";
    private static final String SPEC = "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02},\"publishEvery\":100000,\"drift\":{\"detector\":\"page_hinkley\","
            + "\"signal\":\"loss\",\"action\":\"reset\"}}";
    /** DriftTopologyTest's "challengers": slow SGD, promoted away from at the first check past minEvents. */
    private static final String PROMOTE = "promote-crash";
    private static final String PROMOTE_SPEC = "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":"
            + "\"sgd\",\"learningRate\":0.001},\"publishEvery\":100000,\"metrics\":{\"window\":50,\"ewmaAlpha\":0.05},"
            + "\"challengers\":[{\"name\":\"adam\",\"spec\":{\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.1}}},"
            + "{\"name\":\"tiny\",\"spec\":{\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.0001}}}],"
            + "\"promotion\":{\"minEvents\":100,\"margin\":0.02,\"checkEvery\":50}}";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @Test
    @Timeout(value = 480, unit = TimeUnit.SECONDS)
    void aKillBetweenADetectionOrPromotionAndItsCommitLeavesExactlyOneRecord(KafkaCluster kafka) throws Exception {
        Path work = ItEnv.workDir("drift-crash");
        List<String> lines = Files.readAllLines(ItEnv.reference().resolve("data/drift.jsonl"));
        Map<String, JsonNode> backtests = Map.of(MODEL, Backtests.run(work, MODEL, SPEC, lines),
                PROMOTE, Backtests.run(work, PROMOTE, PROMOTE_SPEC, lines));
        assertThat(backtests.get(MODEL).get("modelEvents")).as("the backtest detects the drift").isNotEmpty();
        assertThat(backtests.get(PROMOTE).get("modelEvents").findValuesAsText("type")).as("and promotes")
                .contains("promotion");

        String bootstrap = kafka.bootstrapServers();
        String prefix = TestIds.prefix("driftcrash");
        Topics topics = TestIds.topics(prefix);
        Map<String, String> settings = TestIds.exactlyOnceSettings(prefix, 1);
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
            KafkaClients.send(producer, topics.modelCommands(), PROMOTE,
                    "{\"command\":\"upsert\",\"spec\":" + PROMOTE_SPEC + "}");
            for (String model : backtests.keySet()) {
                parameters.awaitLatest(model, TIMEOUT, v -> v.path("seen").asLong(-1) == 0); // committed: created
            }
            // sent in one go, not one acknowledged send at a time: both records must fall well inside the commit
            // interval that follows the creation's commit (at ~25 ms a send under load, 1,200 sends took 11 s
            // between the promotion and the drift, and the commit came before the kill)
            for (String line : lines) {
                producer.send(new ProducerRecord<>(topics.trainingEvents(), MODEL, line));
                producer.send(new ProducerRecord<>(topics.trainingEvents(), PROMOTE, line));
            }
            producer.flush();
            uncommitted.awaitRecords("the drift and the promotion records, uncommitted", TIMEOUT,
                    r -> r.stream().anyMatch(e -> e.key().equals(MODEL))
                            && r.stream().anyMatch(e -> e.key().equals(PROMOTE)
                                    && Json.parse(e.value()).path("type").asText().equals("promotion")));
            first.kill();
            try (TopicReader committed = new TopicReader(bootstrap, topics.modelEvents())) {
                assertThat(committed.readToEnd(Duration.ofSeconds(10)))
                        .as("the kill came between the detection and its commit").isEmpty();
            }

            second = ServiceProcess.run(bootstrap, appId, work.resolve("state-1"), settings,
                    work.resolve("service-1.log"));
            List<ConsumerRecord<String, String>> records;
            try (TopicReader committed = new TopicReader(bootstrap, topics.modelEvents())) {
                for (String model : backtests.keySet()) {
                    KafkaClients.send(producer, topics.modelCommands(), model, "{\"command\":\"publish\"}");
                    JsonNode m = parameters.awaitLatest(model, TIMEOUT, v -> v.path("seen").asLong() == lines.size());
                    ModelAssertions.assertSameModel(m, backtests.get(model).get("model"), model + " after kill -9");
                }
                records = committed.readToEnd(TIMEOUT);
            }
            for (String model : backtests.keySet()) {
                List<JsonNode> expected = new ArrayList<>();
                backtests.get(model).get("modelEvents").forEach(expected::add);
                List<ConsumerRecord<String, String>> live = records.stream().filter(r -> r.key().equals(model))
                        .toList();
                assertThat(live).as("model-events of " + model).hasSameSizeAs(expected);
                for (int i = 0; i < live.size(); i++) {
                    assertSameEvent(Json.parse(live.get(i).value()), expected.get(i), model + " record " + i);
                }
            }
        } finally {
            first.kill();
            if (second != null) {
                second.kill();
            }
        }
    }

    /** A live {@code model-events} record equals the backtest's, but for its wall-clock time and version. */
    private static void assertSameEvent(JsonNode liveRecord, JsonNode backtestRecord, String what) {
        ObjectNode live = (ObjectNode) liveRecord.deepCopy();
        ObjectNode replay = (ObjectNode) backtestRecord.deepCopy();
        for (ObjectNode o : List.of(live, replay)) {
            o.remove("atMs");
            o.remove("modelVersion"); // the upsert command that created the live model is a version
        }
        assertThat(live).as(what).isEqualTo(replay);
    }
}
