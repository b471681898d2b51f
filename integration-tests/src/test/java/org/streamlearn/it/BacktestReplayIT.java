package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.cli.StreamlearnCli;
import org.streamlearn.app.config.Topics;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Json;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ModelAssertions;
import org.streamlearn.it.support.ModelCommands;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.it.support.TopicReader;
import picocli.CommandLine;

/**
 * {@code backtest --topic training-events --commands-topic model-commands} against what the service computed
 * live (a separate process on a real broker): three keys of the reference regression events, one of which
 * changes spec (Adam to SGD, learned state kept) and another is reset half-way, all through
 * {@code model-commands}. With no {@code --spec}, the replay gives every key's final model (parameters,
 * optimizer slots, progressive metrics) bit for bit; so does a warm start from each key's live snapshot of
 * half-way ({@code --warm-start model-parameters --from T}) followed by the rest of the records.
 */
@ExtendWith(KafkaFixture.class)
class BacktestReplayIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String SGD = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02},\"interceptLearningRate\":0.1,\"publishEvery\":1}";
    private static final String ADAM = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"adam\","
            + "\"learningRate\":0.1},\"publishEvery\":1}";
    private static final String BATCH = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"adam\","
            + "\"learningRate\":0.05},\"update\":{\"mode\":\"minibatch\",\"batchSize\":4},\"publishEvery\":1}";

    @Test
    @Timeout(300)
    void theReplayOfEventsAndCommandsReproducesEveryLiveModel(KafkaCluster kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Path work = ItEnv.workDir("backtest-replay");
        String prefix = TestIds.prefix("replay");
        Topics topics = TestIds.topics(prefix);
        Map<String, String> settings = new LinkedHashMap<>(TestIds.topicSettings(prefix));
        settings.put("topics.partitions", "2");
        List<String> data = new ArrayList<>();
        for (String line : Files.readAllLines(ItEnv.reference().resolve("data/regression.jsonl"))) {
            if (!line.isBlank()) {
                data.add(line);
            }
        }
        Map<String, String> specs = new LinkedHashMap<>();
        specs.put("alpha", SGD);
        specs.put("beta", ADAM);
        specs.put("gamma", BATCH);
        int half = data.size() / 2;
        Map<String, JsonNode> live;
        long mid;
        try (ServiceProcess service = ServiceProcess.run(bootstrap, prefix + "app", work.resolve("state"), settings,
                work.resolve("service.log"));
                KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap)) {
            KafkaClients.awaitTopics(bootstrap, List.of(topics.trainingEvents(), topics.modelCommands()), WAIT);
            ModelCommands.upsertAndAwaitCreated(bootstrap, producer, topics, specs, WAIT);
            produce(producer, topics, specs.keySet(), data.subList(0, half));
            awaitSeen(bootstrap, topics, Map.of("alpha", half, "beta", half, "gamma", half));

            ModelCommands.send(producer, topics, "beta", "upsert", SGD);
            ModelCommands.send(producer, topics, "gamma", "reset", null);
            try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
                parameters.awaitLatest("beta", WAIT, v -> v.path("spec").path("optimizer").path("type").asText()
                        .equals("sgd"));
                parameters.awaitLatest("gamma", WAIT, v -> v.path("seen").asLong() == 0);
            }
            mid = System.currentTimeMillis();
            Thread.sleep(5);
            produce(producer, topics, specs.keySet(), data.subList(half, data.size()));
            awaitSeen(bootstrap, topics, Map.of("alpha", data.size(), "beta", data.size(), "gamma",
                    data.size() - half));
            live = ModelCommands.flushAndReadFinals(bootstrap, producer, topics, specs.keySet(), WAIT);
            assertThat(service.isAlive()).as("the service is still running").isTrue();
        }

        JsonNode summary = replay(bootstrap, topics, work.resolve("backtest"));
        assertThat(summary.get("events").asLong()).isEqualTo(3L * data.size());
        Map<String, JsonNode> replayed = byKey(summary);
        assertThat(replayed).containsOnlyKeys(specs.keySet());
        for (String key : specs.keySet()) {
            ModelAssertions.assertSameModel(replayed.get(key).get("model"), live.get(key), "replay of " + key);
        }
        assertThat(replayed.get("gamma").get("model").get("seen").asLong()).isEqualTo(data.size() - half);
        assertThat(replayed.get("beta").get("model").get("spec").get("optimizer").get("type").asText())
                .isEqualTo("sgd");
        assertThat(Files.readAllLines(work.resolve("backtest/summary.csv"))).hasSize(1 + specs.size());

        // each key from the live snapshot it had half-way (after the spec change and the reset), then the rest
        Map<String, JsonNode> warm = byKey(replay(bootstrap, topics, work.resolve("warm"), "--warm-start",
                topics.modelParameters(), "--from", Long.toString(mid)));
        assertThat(warm).containsOnlyKeys(specs.keySet());
        Map<String, Integer> seenAtStart = Map.of("alpha", half, "beta", half, "gamma", 0);
        for (String key : specs.keySet()) {
            assertThat(warm.get(key).get("warmStart").get("seen").asInt()).as(key).isEqualTo(seenAtStart.get(key));
            assertThat(warm.get(key).get("events").asLong()).as(key).isEqualTo(data.size() - half);
            ModelAssertions.assertSameModel(warm.get(key).get("model"), live.get(key), "warm start of " + key);
        }
    }

    /** {@code backtest --topic training-events --commands-topic model-commands} with {@code more} options. */
    private static JsonNode replay(String bootstrap, Topics topics, Path out, String... more) {
        StringWriter err = new StringWriter();
        CommandLine cli = StreamlearnCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        List<String> args = new ArrayList<>(List.of("backtest", "--topic", topics.trainingEvents(),
                "--commands-topic", topics.modelCommands(), "--bootstrap-servers", bootstrap, "--out", out.toString(),
                "--quiet"));
        args.addAll(List.of(more));
        int code = cli.execute(args.toArray(new String[0]));
        assertThat(code).as(err.toString()).isZero();
        return Json.read(out.resolve("summary.json"));
    }

    private static Map<String, JsonNode> byKey(JsonNode summary) {
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode run : summary.get("runs")) {
            byKey.put(run.get("key").asText(), run);
        }
        return byKey;
    }

    private static void produce(KafkaProducer<String, String> producer, Topics topics, Iterable<String> keys,
            List<String> lines) {
        for (String line : lines) {
            for (String key : keys) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.trainingEvents(), key,
                        line));
            }
        }
        producer.flush();
    }

    private static void awaitSeen(String bootstrap, Topics topics, Map<String, Integer> seen) {
        try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
            seen.forEach((key, n) -> parameters.awaitLatest(key, WAIT, v -> v.path("seen").asLong() == n));
        }
    }
}
