package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamlearn.it.support.Commands;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.Json;
import org.streamlearn.it.support.LinearEvents;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.kafka.local.LocalKafkaBroker;
import org.streamlearn.kafka.local.LocalKafkaBroker.SaslMechanism;

/**
 * A cluster that wants credentials: a local broker whose client listener is {@code SASL_PLAINTEXT} with
 * {@code SCRAM-SHA-512} users, and {@code streamlearn run}, {@code produce} and {@code backtest --topic} as
 * separate processes given the {@code kafka.*} settings in one {@code --config} file. With the right
 * credentials the service learns and serves; with wrong ones (for every client, or for Kafka Streams' consumer
 * alone) it exits non-zero within 30 s, naming the authentication failure.
 */
class SaslClusterIT {

    private static final String USER = "streamlearn";
    private static final String PASSWORD = "s3cret-pass";
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);

    private static LocalKafkaBroker broker;
    private static Path work;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafkaBroker.builder().saslListener(SaslMechanism.SCRAM_SHA_512).saslUser(USER, PASSWORD)
                .build().start();
        work = ItEnv.workDir("sasl");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void withTheRightCredentialsTheServiceLearnsAndServesAndProduceAndBacktestWork() throws Exception {
        String app = TestIds.prefix("sasl-good") + "app";
        Path good = config("good.properties", PASSWORD, Map.of());
        int events = 40;
        Path input = LinearEvents.write(work.resolve("events.jsonl"), "sasl-m", events);

        try (ServiceProcess service = ServiceProcess.start(List.of("run", "--config", good.toString(),
                "--application-id", app, "--state-dir", work.resolve(app).toString(), "--http-port", "0",
                "--partitions", "1", "--processing-guarantee", "at_least_once"), work.resolve(app + ".log"))) {
            URI base = service.awaitHttp();

            Commands.Result produced = cli(List.of("produce", "--config", good.toString(), "--topic",
                    "training-events", "--input", input.toString(), "--quiet"));
            assertThat(produced.exitCode()).as("produce: %s", produced.stderr()).isZero();
            assertThat(produced.stdout()).contains("produced " + events + " records to training-events");

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            AtomicInteger status = new AtomicInteger();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .failFast(() -> assertThat(service.isAlive()).as(() -> "the service exited:\n" + service.logTail(40))
                            .isTrue())
                    .until(() -> {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/models/sasl-m"))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        status.set(r.statusCode());
                        return r.statusCode() == 200 && Json.parse(r.body()).path("seen").asLong() == events;
                    });
            assertThat(status.get()).isEqualTo(200);

            Path spec = Files.writeString(work.resolve("sgd.json"), "{\"task\": \"regression\", \"features\": 2,"
                    + " \"optimizer\": {\"type\": \"sgd\", \"learningRate\": 0.05}}");
            Path out = work.resolve("backtest");
            Commands.Result backtest = cli(List.of("backtest", "--config", good.toString(), "--topic", "training-events",
                    "--key", "sasl-m", "--spec", spec.toString(), "--out", out.toString(), "--quiet"));
            assertThat(backtest.exitCode()).as("backtest: %s", backtest.stderr()).isZero();
            JsonNode summary = Json.parse(Files.readString(out.resolve("summary.json")));
            assertThat(summary.path("runs")).as("one run: key sasl-m, spec sgd").hasSize(1);
            JsonNode run = summary.path("runs").get(0);
            assertThat(run.path("key").asText()).isEqualTo("sasl-m");
            assertThat(run.path("name").asText()).isEqualTo("sgd");
            assertThat(run.path("seen").asLong()).as("every event read over SASL and learned").isEqualTo(events);
        }
    }

    @Test
    void theCliCommandsNameTheAuthenticationFailure() throws IOException {
        Path bad = config("bad-cli.properties", "wrong-pass", Map.of());
        Path input = Files.writeString(work.resolve("one.jsonl"), "{\"model\": \"x\", \"features\": [1], \"label\": 1}\n");

        Commands.Result produced = cli(List.of("produce", "--config", bad.toString(), "--topic", "training-events",
                "--input", input.toString(), "--quiet"));

        assertThat(produced.exitCode()).isNotZero();
        assertThat(produced.stderr()).contains("Authentication failed");
    }

    @Test
    void withWrongCredentialsTheServiceExitsNonZeroWithin30sNamingTheAuthenticationFailure() throws IOException {
        Path bad = config("bad.properties", "wrong-pass", Map.of());
        assertExitsForAuthentication("sasl-bad", bad);
    }

    @Test
    void whenOnlyKafkaStreamsIsRefusedTheServiceStillExitsNonZeroWithin30s() throws IOException {
        // the topic admin client gets in; Kafka Streams' main consumer is refused (its own prefixed setting)
        Path bad = config("bad-streams.properties", PASSWORD, Map.of("kafka.main.consumer.sasl.jaas.config",
                jaas(USER, "wrong-pass")));
        assertExitsForAuthentication("sasl-bad-streams", bad);
    }

    private static void assertExitsForAuthentication(String name, Path config) {
        String app = TestIds.prefix(name) + "app";
        try (ServiceProcess service = ServiceProcess.start(List.of("run", "--config", config.toString(),
                "--application-id", app, "--state-dir", work.resolve(app).toString(), "--http-port", "-1",
                "--partitions", "1"), work.resolve(app + ".log"))) {
            long t0 = System.nanoTime();
            Integer code = service.awaitExit(EXIT_WITHIN);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(code).as("exited within %s; log:\n%s", EXIT_WITHIN, service.logTail(40)).isNotNull();
            assertThat(code.intValue()).as("exit code; log:\n%s", service.logTail(40)).isNotZero();
            assertThat(service.logTail(400)).contains("Authentication failed");
            System.out.printf(Locale.ROOT, "SaslClusterIT %s: exit code %d after %.1f s%n", name, code,
                    seconds);
        }
    }

    private static Commands.Result cli(List<String> args) {
        return Commands.streamlearn(args, work);
    }

    /** A streamlearn.properties file for the SASL listener, logging in as {@link #USER} with {@code password}. */
    private static Path config(String name, String password, Map<String, String> extra) throws IOException {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", broker.saslBootstrapServers());
        broker.saslClientProperties(USER, password).forEach((k, v) -> p.setProperty("kafka." + k, v));
        extra.forEach(p::setProperty);
        Path file = work.resolve(name);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "SaslClusterIT");
        }
        return file;
    }

    private static String jaas(String user, String password) {
        return broker.saslClientProperties(user, password).get("sasl.jaas.config");
    }
}
