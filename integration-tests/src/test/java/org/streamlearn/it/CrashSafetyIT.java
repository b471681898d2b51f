package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.it.support.Backtests;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Journal;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ModelCommands;
import org.streamlearn.it.support.ModelAssertions;
import org.streamlearn.it.support.PacedStream;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.it.support.TopicReader;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Exactly-once under {@code kill -9}: the service runs as a separate process ({@code java -jar streamlearn.jar run},
 * {@code processing.guarantee=exactly_once_v2}) while 130,000 events stream in for two models; it is killed with
 * SIGKILL four times while events are in flight and restarted each time (three times on its state directory, once
 * on a fresh one, which forces a full restore from the changelog), and the broker is restarted once (gracefully)
 * mid-stream. At the end the final model of each model equals, bit for bit, that of an uninterrupted run over the
 * same events ({@code streamlearn backtest}), {@code seen} equals the number of events produced (nothing lost,
 * nothing applied twice), and nothing went to {@code dead-letter}.
 *
 * <p>The broker is this test's own {@link LocalKafkaBroker} on a chosen data directory (so that it can restart);
 * with {@code -Dkafka.bootstrap} the external cluster is used and the broker restart is skipped.
 */
class CrashSafetyIT {

    private static final int PER_MODEL = 65_000;
    private static final int TOTAL = 2 * PER_MODEL;
    /** The producer stays at most this many events ahead of what the service has committed: always in flight. */
    private static final int WINDOW = 15_000;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(240);

    private static final String REG = "crash-reg";
    private static final String BIN = "crash-bin";

    /** Sample mode, Adam, standardized. */
    private static final String REG_SPEC = "{\"task\":\"regression\",\"features\":8,\"optimizer\":{\"type\":\"adam\","
            + "\"learningRate\":0.02},\"standardize\":true,\"update\":{\"mode\":\"sample\"},"
            + "\"metrics\":{\"window\":200,\"ewmaAlpha\":0.01},\"publishEvery\":5000}";
    /** Mini-batches of 16 (no timer: deterministic), momentum with L2 and clipping, standardized. */
    private static final String BIN_SPEC = "{\"task\":\"binary\",\"features\":6,\"optimizer\":{\"type\":\"momentum\","
            + "\"learningRate\":0.05,\"momentum\":0.9},\"l2\":0.0001,\"clipNorm\":5.0,\"standardize\":true,"
            + "\"update\":{\"mode\":\"minibatch\",\"batchSize\":16,\"maxDelayMs\":0},"
            + "\"metrics\":{\"window\":200,\"ewmaAlpha\":0.01},\"publishEvery\":1000}";

    /** What happens when the committed progress (events learned, both models) reaches {@code atLearned}. */
    private enum Action { KILL_RESTART_SAME_STATE, KILL_RESTART_FRESH_STATE, RESTART_BROKER }

    private record Step(long atLearned, Action action) {
    }

    private static final List<Step> PLAN = List.of(
            new Step(20_000, Action.KILL_RESTART_SAME_STATE),
            new Step(45_000, Action.KILL_RESTART_FRESH_STATE),
            new Step(60_000, Action.RESTART_BROKER),
            new Step(75_000, Action.KILL_RESTART_SAME_STATE),
            new Step(95_000, Action.KILL_RESTART_SAME_STATE));

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void killNineDuringTheStreamLosesNothingAndAppliesNothingTwice() throws Exception {
        Path work = ItEnv.workDir("crash");
        String external = ItEnv.externalBootstrap().orElse(null);
        LocalKafkaBroker broker = external != null ? null
                : KafkaFixture.localBroker().dataDir(work.resolve("broker")).build().start();
        String bootstrap = external != null ? external : broker.bootstrapServers();
        String prefix = TestIds.prefix("crash");
        Topics topics = TestIds.topics(prefix);
        String appId = prefix + "app";
        Map<String, String> settings = TestIds.exactlyOnceSettings(prefix, 2);
        settings.put("metrics.every.events", "1000");
        settings.put("metrics.interval.ms", "1000");
        // a killed instance leaves the group after 6 s (the broker's minimum) instead of 45 s
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "1500");

        List<String> regLines = new ArrayList<>(PER_MODEL);
        List<String> binLines = new ArrayList<>(PER_MODEL);
        StreamGenerator regGen = new StreamGenerator(StreamGenerator.Task.REGRESSION, 8, 1, 30_000, 0.3, 11);
        StreamGenerator binGen = new StreamGenerator(StreamGenerator.Task.BINARY, 6, 1, 40_000, 0.0, 12);
        for (int i = 0; i < PER_MODEL; i++) {
            regLines.add(regGen.next());
            binLines.add(binGen.next());
        }
        Map<String, List<String>> lines = new LinkedHashMap<>();
        lines.put(REG, regLines);
        lines.put(BIN, binLines);

        List<ServiceProcess> services = new ArrayList<>();
        Journal journal = new Journal();
        boolean passed = false;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap)) {
            int stateDirs = 0;
            services.add(ServiceProcess.run(bootstrap, appId, work.resolve("state-" + stateDirs), settings,
                    work.resolve("service-0.log")));
            ServiceProcess first = services.get(0);
            try {
                KafkaClients.awaitTopics(bootstrap, topics.all(), Duration.ofSeconds(120));
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("the service did not create its topics; its log:\n" + first.logTail(40), e);
            }
            Map<String, String> specs = new LinkedHashMap<>();
            specs.put(REG, REG_SPEC);
            specs.put(BIN, BIN_SPEC);
            ModelCommands.upsertAndAwaitCreated(bootstrap, producer, topics, specs, STEP_TIMEOUT);

            try (PacedStream events = PacedStream.start(bootstrap, topics, producer, lines, WINDOW)) {
                for (Step step : PLAN) {
                    ServiceProcess current = services.get(services.size() - 1);
                    await("committed progress >= " + step.atLearned() + " (" + step.action() + ")")
                            .atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(20))
                            .failFast("the service process " + current.pid() + " exited (log " + current.log() + ")",
                                    () -> !current.isAlive())
                            .failFast("the producer failed", events::failed)
                            .until(() -> events.learned() >= step.atLearned());
                    long p = events.produced();
                    long l = events.learned();
                    journal.add(step.action() + " at committed " + l + ", produced " + p);
                    assertThat(p).as("events in flight when %s (produced %d, committed %d)", step.action(), p, l)
                            .isGreaterThan(l).isLessThan(TOTAL);
                    switch (step.action()) {
                        case RESTART_BROKER -> {
                            if (broker != null) {
                                broker.restart();
                            } else {
                                journal.add("(broker restart skipped: external cluster)");
                            }
                        }
                        case KILL_RESTART_SAME_STATE, KILL_RESTART_FRESH_STATE -> {
                            current.kill();
                            if (step.action() == Action.KILL_RESTART_FRESH_STATE) {
                                stateDirs++;
                            }
                            services.add(ServiceProcess.run(bootstrap, appId, work.resolve("state-" + stateDirs),
                                    settings, work.resolve("service-" + services.size() + ".log")));
                        }
                        default -> throw new IllegalStateException();
                    }
                }

                events.awaitProduced(STEP_TIMEOUT);

                ServiceProcess last = services.get(services.size() - 1);
                await("every event learned and committed").atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(50))
                        .failFast("the last service process exited", () -> !last.isAlive())
                        .until(() -> events.learned(REG) >= PER_MODEL && events.learned(BIN) >= PER_MODEL);
                assertThat(events.learned(REG)).as("seen of %s in model-metrics", REG).isEqualTo(PER_MODEL);
                assertThat(events.learned(BIN)).as("seen of %s in model-metrics", BIN).isEqualTo(PER_MODEL);

                Map<String, JsonNode> finals = ModelCommands.flushAndReadFinals(bootstrap, producer, topics,
                        List.of(REG, BIN), STEP_TIMEOUT);

                for (Map.Entry<String, JsonNode> e : finals.entrySet()) {
                    String model = e.getKey();
                    JsonNode actual = e.getValue();
                    assertThat(actual.path("seen").asLong()).as("seen of %s == events produced for it", model)
                            .isEqualTo(PER_MODEL);
                    JsonNode expected = Backtests.run(work.resolve("backtest"), model, model.equals(REG) ? REG_SPEC
                            : BIN_SPEC, model.equals(REG) ? regLines : binLines).get("model");
                    ModelAssertions.assertSameModel(actual, expected, model + " after " + (services.size() - 1)
                            + " kills -9, a fresh state directory and a broker restart, vs an uninterrupted run");
                }

                assertThat(TopicReader.readAll(bootstrap, topics.deadLetter(), Duration.ofSeconds(60)))
                        .as("dead-letter records").isEmpty();
                passed = true;
            }
        } catch (AssertionError | RuntimeException e) {
            throw journal.failure(e, services);
        } finally {
            ServiceProcess.closeAll(services);
            if (broker != null) {
                broker.close();
                if (passed) {
                    deleteRecursively(broker.dataDir());
                    for (int i = 0; Files.exists(work.resolve("state-" + i)); i++) {
                        deleteRecursively(work.resolve("state-" + i));
                    }
                }
            }
        }
        System.out.println("CrashSafetyIT journal: " + journal);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
