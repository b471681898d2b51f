package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.Topics;
import org.streamlearn.it.support.Backtests;
import org.streamlearn.it.support.Commands;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Json;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ModelAssertions;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;

/**
 * The service as a new user tries it: {@code java -jar streamlearn.jar run}, then plain JSON lines typed into
 * {@code kcat} ({@code kcat -P -K:}, {@code model-id:{"features": [...], "label": ...}}), no model command at all
 * (the model is created from the default spec by its first event), and the results read back with {@code kcat -C}.
 *
 * <p>kcat is the Debian package {@code kcat} ({@code apt-get install -y kcat}). Without it on {@code PATH} this test
 * fails, saying so; {@code -Dkcat.optional=true} makes it skip instead (local runs without kcat).
 */
@ExtendWith(KafkaFixture.class)
class KcatIT {

    private static final String MODEL = "house-prices";
    private static final int EVENTS = 300; // a multiple of the default publishEvery (100): a snapshot at the end
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    @Timeout(300)
    void aNewUserTeachesAModelWithKcatAndPlainJsonLines(KafkaCluster kafka) throws Exception {
        Path kcat = Commands.kcat();
        String bootstrap = kafka.bootstrapServers();
        Path work = ItEnv.workDir("kcat");
        String prefix = TestIds.prefix("kcat");
        Topics topics = TestIds.topics(prefix);

        List<String> events = new ArrayList<>();
        for (String line : Files.readAllLines(ItEnv.reference().resolve("data/drift.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && events.size() < EVENTS) {
                events.add(line);
            }
        }
        int features = Json.parse(events.get(0)).get("features").size();

        try (ServiceProcess service = ServiceProcess.run(bootstrap, prefix + "app", work.resolve("state"),
                TestIds.topicSettings(prefix), work.resolve("service.log"))) {
            try {
                KafkaClients.awaitTopics(bootstrap, topics.all(), WAIT);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("streamlearn run did not create its topics; its log:\n" + service.logTail(40), e);
            }

            // kcat -P -K: with "key:value" lines, as in kcat's README
            Path input = work.resolve("events.txt");
            List<String> keyed = new ArrayList<>();
            events.forEach(e -> keyed.add(MODEL + ":" + e));
            Files.write(input, keyed, StandardCharsets.UTF_8);
            // (idempotence on: librdkafka may otherwise reorder a batch it retries while the new topic's leader
            // settles, and the model learns the events in the order the topic holds them)
            Commands.Result produced = Commands.run(List.of(kcat.toString(), "-P", "-b", bootstrap, "-t",
                    topics.trainingEvents(), "-K:", "-X", "enable.idempotence=true"), input, work, WAIT);
            assertThat(produced.exitCode()).as("kcat -P: %s", produced.stderr()).isZero();

            // kcat -C: the latest snapshot of the model has learned every line
            AtomicReference<JsonNode> model = new AtomicReference<>();
            await("a model-parameters snapshot of '" + MODEL + "' with seen == " + EVENTS + " (kcat -C)")
                    .atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .failFast("the service exited", () -> !service.isAlive())
                    .until(() -> {
                        model.set(latest(consume(kcat, bootstrap, topics.modelParameters(), work), MODEL));
                        return model.get() != null && model.get().path("seen").asLong() == EVENTS;
                    });
            JsonNode snapshot = model.get();
            assertThat(snapshot.path("updates").asLong()).isEqualTo(EVENTS);
            assertThat(snapshot.path("spec").path("features").asInt()).as("dimension from the first event")
                    .isEqualTo(features);

            // ... and it is exactly the model streamlearn backtest learns with the default spec, on the events in
            // the order the topic holds them
            List<String> stored = new ArrayList<>();
            for (Map.Entry<String, String> e : consume(kcat, bootstrap, topics.trainingEvents(), work)) {
                if (e.getKey().equals(MODEL)) {
                    stored.add(e.getValue());
                }
            }
            assertThat(stored).containsExactlyInAnyOrderElementsOf(events);
            ObjectNode spec = (ObjectNode) Json.parse(ConfigLoader.DEFAULT_SPEC);
            spec.put("features", features);
            JsonNode expected = Backtests.run(work.resolve("backtest"), MODEL, Json.write(spec), stored).get("model");
            ModelAssertions.assertSameModel(snapshot, expected, "the model learned from kcat's lines vs backtest");

            // a prediction request, also with kcat
            Path request = work.resolve("request.txt");
            Files.writeString(request, MODEL + ":{\"id\": \"q1\", \"features\": [0.5, -0.2, 1.0]}\n");
            Commands.Result asked = Commands.run(List.of(kcat.toString(), "-P", "-b", bootstrap, "-t",
                    topics.predictionRequests(), "-K:"), request, work, WAIT);
            assertThat(asked.exitCode()).as("kcat -P: %s", asked.stderr()).isZero();
            AtomicReference<JsonNode> answer = new AtomicReference<>();
            await("a prediction for request q1 (kcat -C)").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        answer.set(latest(consume(kcat, bootstrap, topics.predictions(), work), MODEL));
                        return answer.get() != null;
                    });
            assertThat(answer.get().path("id").asText()).isEqualTo("q1");
            assertThat(answer.get().has("error")).as("prediction: %s", answer.get()).isFalse();
            assertThat(answer.get().path("prediction").isNumber()).as("prediction: %s", answer.get()).isTrue();
            assertThat(answer.get().path("modelVersion").asLong()).isEqualTo(snapshot.path("version").asLong());
        }
    }

    /** kcat on PATH; a clear failure without it, unless -Dkcat.optional=true. */
    /** {@code kcat -C -e -o beginning}: every committed record of the topic, as key and value lines. */
    private static List<Map.Entry<String, String>> consume(Path kcat, String bootstrap, String topic, Path work) {
        Commands.Result r = Commands.run(List.of(kcat.toString(), "-C", "-b", bootstrap, "-t", topic, "-o",
                "beginning", "-e", "-q", "-f", "%k\\t%s\\n"), null, work, WAIT);
        assertThat(r.exitCode()).as("kcat -C %s: %s", topic, r.stderr()).isZero();
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                out.add(Map.entry(line.substring(0, tab), line.substring(tab + 1)));
            }
        }
        return out;
    }

    /** The last value of {@code key} among kcat's records, by partition order (one partition per key). */
    private static JsonNode latest(List<Map.Entry<String, String>> records, String key) {
        JsonNode last = null;
        for (Map.Entry<String, String> e : records) {
            if (e.getKey().equals(key) && !e.getValue().isEmpty()) {
                last = Json.parse(e.getValue());
            }
        }
        return last;
    }
}
