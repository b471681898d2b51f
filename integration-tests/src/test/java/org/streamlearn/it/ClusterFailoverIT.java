package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.it.support.Backtests;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Journal;
import org.streamlearn.it.support.Json;
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
 * Three instances of {@code streamlearn run} (separate processes, one {@code application.id}, six partitions,
 * exactly-once, the failover defaults: no {@code kafka.*} overrides; a broker of its own that checks for timed-out
 * transactions every second) while 100,000 events stream in for five
 * models:
 * <ol>
 * <li>{@code kill -9} of one instance mid-stream: the two survivors answer {@code GET /models/{id}} with 200 for
 *     every model within 15 s (measured and printed), and no request ever gets an empty reply;</li>
 * <li>the killed instance restarts on its state directory and the group rebalances onto it;</li>
 * <li>another instance is stopped cleanly (SIGTERM) and restarted: it reaches RUNNING in under 10 s (measured
 *     and printed) because it left the group, instead of waiting out a session timeout;</li>
 * <li>at the end every model's {@code seen} equals the events produced for it and every model is bit-identical to
 *     {@code streamlearn backtest} over the same events: nothing lost, nothing applied twice.</li>
 * </ol>
 */
class ClusterFailoverIT {

    /**
     * The broker setting that, with the service's defaults, bounds failover under exactly-once: how often the
     * broker aborts timed-out transactions (Kafka's default 10 s); see docs/operations.md.
     */
    private static final String ABORT_CHECK = "transaction.abort.timed.out.transaction.cleanup.interval.ms";

    private static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaFixture.localBroker().serverProperty(ABORT_CHECK, "1000").build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static final int MODELS = 5;
    private static final int PER_MODEL = 20_000;
    private static final int TOTAL = MODELS * PER_MODEL;
    private static final int INSTANCES = 3;
    /** The producer stays at most this many events ahead of what the cluster has committed. */
    private static final int WINDOW = 15_000;
    private static final long KILL_AT = 30_000;
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(15);
    private static final Duration RESTART_BOUND = Duration.ofSeconds(10);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(240);

    private static final String SPEC = "{\"task\":\"regression\",\"features\":8,\"optimizer\":{\"type\":\"adam\","
            + "\"learningRate\":0.02},\"standardize\":true,\"update\":{\"mode\":\"sample\"},"
            + "\"metrics\":{\"window\":200,\"ewmaAlpha\":0.01},\"publishEvery\":5000}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void killNineFailsOverWithinBoundsAndCleanRestartRejoinsFast() throws Exception {
        String bootstrap = broker.bootstrapServers();
        Path work = ItEnv.workDir("cluster-failover");
        String prefix = TestIds.prefix("failover");
        Topics topics = TestIds.topics(prefix);
        String appId = prefix + "app";
        List<String> models = new ArrayList<>();
        Map<String, List<String>> lines = new LinkedHashMap<>();
        for (int m = 0; m < MODELS; m++) {
            String model = "model-" + m;
            models.add(model);
            StreamGenerator gen = new StreamGenerator(StreamGenerator.Task.REGRESSION, 8, 1, 50_000, 0.3, 100 + m);
            List<String> ls = new ArrayList<>(PER_MODEL);
            for (int i = 0; i < PER_MODEL; i++) {
                ls.add(gen.next());
            }
            lines.put(model, ls);
        }
        int[] ports = new int[INSTANCES];
        List<Map<String, String>> settings = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            ports[i] = ItEnv.freePort();
            Map<String, String> s = TestIds.exactlyOnceSettings(prefix, 6);
            s.put("metrics.every.events", "1000");
            s.put("metrics.interval.ms", "1000");
            s.put("http.port", Integer.toString(ports[i]));
            settings.add(s);
        }
        ServiceProcess[] instances = new ServiceProcess[INSTANCES];
        List<ServiceProcess> all = new ArrayList<>();
        Journal journal = new Journal();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < INSTANCES; i++) {
                instances[i] = start(bootstrap, appId, work, i, settings.get(i), all);
            }
            KafkaClients.awaitTopics(bootstrap, topics.all(), STEP_TIMEOUT);
            Map<String, String> specs = new LinkedHashMap<>();
            models.forEach(m -> specs.put(m, SPEC));
            ModelCommands.upsertAndAwaitCreated(bootstrap, producer, topics, specs, STEP_TIMEOUT);
            for (ServiceProcess p : instances) {
                awaitRunning(p, STEP_TIMEOUT);
            }

            try (PacedStream events = PacedStream.start(bootstrap, topics, producer, lines, WINDOW)) {
                // 1. kill -9 mid-stream; the survivors answer every model within the bound
                await("committed progress >= " + KILL_AT).atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(20))
                        .failFast("the producer failed", events::failed)
                        .until(() -> events.learned() >= KILL_AT);
                long p0 = events.produced();
                long l0 = events.learned();
                assertThat(p0).as("events in flight at the kill").isGreaterThan(l0).isLessThan(TOTAL);
                instances[0].kill();
                long killedAt = System.nanoTime();
                journal.add("kill -9 of instance 0 at committed " + l0 + ", produced " + p0);
                List<String> emptyReplies = new ArrayList<>();
                Map<Integer, Integer> statuses = new TreeMap<>();
                await("every model answered 200 by both survivors").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> sweep(new int[] {ports[1], ports[2]}, models, emptyReplies, statuses));
                double failover = (System.nanoTime() - killedAt) / 1e9;
                journal.add(String.format("failover: survivors answered every model after %.1f s (statuses seen %s)",
                        failover, statuses));
                System.out.printf("ClusterFailoverIT: kill -9 -> both survivors answer GET 200 for all %d models "
                        + "after %.1f s (statuses seen meanwhile: %s)%n", MODELS, failover, statuses);
                assertThat(emptyReplies).as("requests that got an empty reply (no status)").isEmpty();
                assertThat(failover).as("seconds from kill -9 to every model answered by the survivors")
                        .isLessThan(FAILOVER_BOUND.toSeconds());

                // 2. the killed instance restarts on its state directory; the group rebalances onto it
                instances[0] = start(bootstrap, appId, work, 0, settings.get(0), all);
                awaitRunning(instances[0], STEP_TIMEOUT);
                journal.add("instance 0 restarted after kill -9");

                events.awaitProduced(STEP_TIMEOUT);

                // 3. clean stop and restart of another instance: RUNNING within seconds
                instances[1].terminate();
                Integer status = instances[1].awaitExit(Duration.ofSeconds(60));
                assertThat(status).as("exit status of a SIGTERM'd instance (143: the JVM's for SIGTERM)").isNotNull();
                long restartedAt = System.nanoTime();
                instances[1] = start(bootstrap, appId, work, 1, settings.get(1), all);
                awaitRunning(instances[1], STEP_TIMEOUT);
                double restart = (System.nanoTime() - restartedAt) / 1e9;
                double join = joinSeconds(instances[1].log());
                journal.add(String.format("clean restart of instance 1: RUNNING %.1f s after Kafka Streams started, "
                        + "%.1f s after the process started", join, restart));
                System.out.printf("ClusterFailoverIT: clean stop + restart of one instance -> RUNNING %.1f s after "
                        + "Kafka Streams started (%.1f s after the process started, JVM start-up included)%n", join,
                        restart);
                // the group's part: a session timeout (6 s here, 45 s by Kafka's default) would show up here
                assertThat(join).as("seconds from a clean restart's Kafka Streams start to RUNNING")
                        .isLessThan(RESTART_BOUND.toSeconds());

                // the rebalanced cluster serves every model from every instance
                await("every model answered 200 by every instance after the restarts").atMost(STEP_TIMEOUT)
                        .pollInterval(Duration.ofMillis(200)).until(() -> sweep(ports, models, emptyReplies, statuses));
                assertThat(emptyReplies).as("requests that got an empty reply (no status)").isEmpty();

                // 4. nothing lost, nothing applied twice
                await("every event learned and committed").atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(50))
                        .until(() -> models.stream().allMatch(m -> events.learned(m) >= PER_MODEL));
                Map<String, JsonNode> finals = ModelCommands.flushAndReadFinals(bootstrap, producer, topics, models,
                        STEP_TIMEOUT);
                for (String model : models) {
                    JsonNode actual = finals.get(model);
                    assertThat(actual.path("seen").asLong()).as("seen of %s == events produced for it", model)
                            .isEqualTo(PER_MODEL);
                    JsonNode expected = Backtests.run(work.resolve("backtest"), model, SPEC, lines.get(model))
                            .get("model");
                    ModelAssertions.assertSameModel(actual, expected, model + " after a kill -9 failover, a restart "
                            + "and a clean restart in a 3-instance cluster, vs an uninterrupted run");
                    JsonNode served = get(ports[2], model, new ArrayList<>(), new TreeMap<>());
                    assertThat(served).as("GET %s after the stream", model).isNotNull();
                    assertThat(served.path("seen").asLong()).as("served seen of %s", model).isEqualTo(PER_MODEL);
                }
                assertThat(TopicReader.readAll(bootstrap, topics.deadLetter(), Duration.ofSeconds(60)))
                        .as("dead-letter records").isEmpty();
            }
        } catch (AssertionError | RuntimeException e) {
            throw journal.failure(e, all);
        } finally {
            ServiceProcess.closeAll(all);
        }
        System.out.println("ClusterFailoverIT journal: " + journal);
    }

    private static ServiceProcess start(String bootstrap, String appId, Path work, int i, Map<String, String> s,
            List<ServiceProcess> all) {
        ServiceProcess p = ServiceProcess.run(bootstrap, appId, work.resolve("state-" + i), s,
                work.resolve("instance-" + i + "-" + all.size() + ".log"));
        all.add(p);
        return p;
    }

    /** From the log: seconds from Kafka Streams' CREATED -> REBALANCING to its first -> RUNNING. */
    private static double joinSeconds(Path log) throws IOException {
        List<String> ls = java.nio.file.Files.readAllLines(log, StandardCharsets.UTF_8);
        java.time.LocalTime start = null;
        for (String l : ls) {
            if (start == null && l.contains("State transition from CREATED to REBALANCING")) {
                start = java.time.LocalTime.parse(l.substring(0, 12));
            } else if (start != null && l.contains("State transition from REBALANCING to RUNNING")) {
                return Duration.between(start, java.time.LocalTime.parse(l.substring(0, 12))).toMillis() / 1e3;
            }
        }
        throw new AssertionError("no Kafka Streams start and RUNNING in " + log);
    }

    private static void awaitRunning(ServiceProcess p, Duration timeout) {
        await("instance " + p.pid() + " RUNNING").atMost(timeout).pollInterval(Duration.ofMillis(50))
                .failFast("the process exited (log " + p.log() + ")", () -> !p.isAlive())
                .until(() -> p.logContains("streamlearn: running"));
    }

    /** One GET per instance and model; whether every one answered 200 with the model. */
    private boolean sweep(int[] ports, List<String> models, List<String> emptyReplies, Map<Integer, Integer> statuses) {
        boolean ok = true;
        for (int port : ports) {
            for (String model : models) {
                JsonNode n = get(port, model, emptyReplies, statuses);
                ok &= n != null && model.equals(n.path("model").asText(model)) && n.has("seen");
            }
        }
        return ok;
    }

    /** GET /models/{id}: the body when 200; statuses counted; an answer without status recorded. */
    private JsonNode get(int port, String model, List<String> emptyReplies, Map<Integer, Integer> statuses) {
        URI uri = URI.create("http://127.0.0.1:" + port + "/models/"
                + URLEncoder.encode(model, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(r.statusCode(), 1, Integer::sum);
            return r.statusCode() == 200 ? Json.parse(r.body()) : null;
        } catch (IOException e) {
            emptyReplies.add(uri + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
