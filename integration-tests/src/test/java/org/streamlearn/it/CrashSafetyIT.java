package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.it.support.Backtests;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Json;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ModelAssertions;
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
        Map<String, String> settings = new LinkedHashMap<>(TestIds.topicSettings(prefix));
        settings.put("topics.partitions", "2");
        settings.put("processing.guarantee", "exactly_once_v2");
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

        List<ServiceProcess> services = new ArrayList<>();
        List<String> journal = new ArrayList<>();
        boolean passed = false;
        Map<String, AtomicLong> learned = new ConcurrentHashMap<>(Map.of(REG, new AtomicLong(), BIN, new AtomicLong()));
        AtomicLong produced = new AtomicLong();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watcher = null;
        Thread producerThread = null;
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
            try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
                sendCommand(producer, topics, REG, "upsert", REG_SPEC);
                sendCommand(producer, topics, BIN, "upsert", BIN_SPEC);
                for (String model : List.of(REG, BIN)) {
                    parameters.awaitLatest(model, STEP_TIMEOUT, v -> v.path("seen").asLong(-1) == 0);
                }
            }

            watcher = startWatcher(bootstrap, topics.modelMetrics(), learned, running);
            producerThread = startProducer(producer, topics.trainingEvents(), regLines, binLines, learned, produced,
                    producerFailure, running);

            for (Step step : PLAN) {
                ServiceProcess current = services.get(services.size() - 1);
                await("committed progress >= " + step.atLearned() + " (" + step.action() + ")")
                        .atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(20))
                        .failFast("the service process " + current.pid() + " exited (log " + current.log() + ")",
                                () -> !current.isAlive())
                        .failFast("the producer failed", () -> producerFailure.get() != null)
                        .until(() -> total(learned) >= step.atLearned());
                long p = produced.get();
                long l = total(learned);
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

            producerThread.join(STEP_TIMEOUT.toMillis());
            assertThat(producerThread.isAlive()).as("producer still running").isFalse();
            assertThat(producerFailure.get()).as("producer failure").isNull();
            assertThat(produced.get()).isEqualTo(TOTAL);

            ServiceProcess last = services.get(services.size() - 1);
            await("every event learned and committed").atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .failFast("the last service process exited", () -> !last.isAlive())
                    .until(() -> learned.get(REG).get() >= PER_MODEL && learned.get(BIN).get() >= PER_MODEL);
            assertThat(learned.get(REG).get()).as("seen of %s in model-metrics", REG).isEqualTo(PER_MODEL);
            assertThat(learned.get(BIN).get()).as("seen of %s in model-metrics", BIN).isEqualTo(PER_MODEL);

            Map<String, JsonNode> finals = new LinkedHashMap<>();
            try (TopicReader parameters = new TopicReader(bootstrap, topics.modelParameters())) {
                parameters.readToEnd(STEP_TIMEOUT);
                Map<String, Integer> before = Map.of(REG, parameters.values(REG).size(), BIN,
                        parameters.values(BIN).size());
                sendCommand(producer, topics, REG, "flush", null);
                sendCommand(producer, topics, BIN, "flush", null);
                for (String model : List.of(REG, BIN)) {
                    parameters.awaitRecords("the snapshot published by flush of " + model, STEP_TIMEOUT,
                            rs -> parameters.values(model).size() > before.get(model));
                    finals.put(model, parameters.latest(model));
                }
            }

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

            try (TopicReader deadLetter = new TopicReader(bootstrap, topics.deadLetter())) {
                deadLetter.readToEnd(Duration.ofSeconds(60));
                assertThat(deadLetter.records()).as("dead-letter records").isEmpty();
            }
            passed = true;
        } catch (AssertionError | RuntimeException e) {
            StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
            sb.append("\njournal: ").append(journal);
            for (ServiceProcess s : services) {
                sb.append("\n---- ").append(s.log()).append(" (last lines) ----\n").append(s.logTail(15));
            }
            throw new AssertionError(sb.toString(), e);
        } finally {
            running.set(false);
            if (producerThread != null) {
                producerThread.join(10_000);
            }
            if (watcher != null) {
                watcher.join(10_000);
            }
            for (ServiceProcess s : services) {
                s.close();
            }
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

    private static long total(Map<String, AtomicLong> learned) {
        return learned.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private static void sendCommand(KafkaProducer<String, String> producer, Topics topics, String model,
            String command, String spec) {
        ObjectNode cmd = Json.MAPPER.createObjectNode().put("command", command);
        if (spec != null) {
            cmd.set("spec", Json.parse(spec));
        }
        KafkaClients.send(producer, topics.modelCommands(), model, Json.write(cmd));
    }

    /** Follows the committed {@code seen} of each model on {@code model-metrics} (read_committed) until stopped. */
    private static Thread startWatcher(String bootstrap, String topic, Map<String, AtomicLong> learned,
            AtomicBoolean running) {
        Thread t = new Thread(() -> {
            try (TopicReader metrics = new TopicReader(bootstrap, topic)) {
                while (running.get()) {
                    for (ConsumerRecord<String, String> r : metrics.poll(Duration.ofMillis(200))) {
                        AtomicLong a = learned.get(r.key());
                        if (a != null && r.value() != null) {
                            a.accumulateAndGet(Json.parse(r.value()).path("seen").asLong(), Math::max);
                        }
                    }
                }
            }
        }, "metrics-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Sends the two streams interleaved, keyed by model, never more than {@link #WINDOW} events ahead of the
     * committed progress, so that the stream goes on while the service is killed and restarted.
     */
    private static Thread startProducer(KafkaProducer<String, String> producer, String topic, List<String> reg,
            List<String> bin, Map<String, AtomicLong> learned, AtomicLong produced,
            AtomicReference<Throwable> failure, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < PER_MODEL && failure.get() == null; i++) {
                    while (produced.get() - total(learned) >= WINDOW) {
                        if (!running.get()) {
                            return;
                        }
                        LockSupport.parkNanos(2_000_000); // pacing, not synchronisation
                    }
                    for (int m = 0; m < 2; m++) {
                        producer.send(new ProducerRecord<>(topic, m == 0 ? REG : BIN, m == 0 ? reg.get(i)
                                : bin.get(i)), (md, ex) -> {
                                    if (ex != null) {
                                        failure.compareAndSet(null, ex);
                                    }
                                });
                        produced.incrementAndGet();
                    }
                }
                producer.flush();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }, "event-producer");
        t.setDaemon(true);
        t.start();
        return t;
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
