package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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

/**
 * A cluster that speaks TLS only to its clients: a local broker with an {@code SSL} listener whose certificate
 * (made here with the JDK's {@code keytool}, for {@code IP:127.0.0.1}) no public CA signed. Given a trust store
 * holding it, through the {@code kafka.*} settings of one {@code --config} file, {@code streamlearn run} (exactly
 * once: transactions over TLS) and {@code produce} work, and kcat, a real client of its own, reads what the service
 * published over TLS; trusting another certificate, the service exits non-zero within 30 s naming the failed
 * handshake.
 */
class TlsClusterIT {

    private static final String PASSWORD = "tls-store-pass";
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);

    private static LocalKafkaBroker broker;
    private static Path work;
    private static int tlsPort;

    @BeforeAll
    static void startBroker() {
        work = ItEnv.workDir("tls");
        certificate("broker", "trust.p12");
        certificate("other", "wrong-trust.p12");

        int port = ItEnv.freePort();
        int controllerPort = ItEnv.freePort();
        tlsPort = ItEnv.freePort();
        String host = LocalKafkaBroker.HOST;
        broker = LocalKafkaBroker.builder().port(port).controllerPort(controllerPort)
                .serverProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":"
                        + controllerPort + ",SSL://" + host + ":" + tlsPort)
                .serverProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL")
                .serverProperty("ssl.keystore.type", "PKCS12")
                .serverProperty("ssl.keystore.location", file("broker.p12"))
                .serverProperty("ssl.keystore.password", PASSWORD)
                .serverProperty("ssl.key.password", PASSWORD)
                .build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void trustingTheBrokersCertificateTheServiceLearnsAndServesAndKcatReadsItOverTls() throws Exception {
        String app = TestIds.prefix("tls-good") + "app";
        String prefix = TestIds.prefix("tls");
        Path good = config("good.properties", "trust.p12", prefix);
        int events = 40;
        Path input = LinearEvents.write(work.resolve("events.jsonl"), "tls-m", events);

        try (ServiceProcess service = ServiceProcess.start(List.of("run", "--config", good.toString(),
                "--application-id", app, "--state-dir", work.resolve(app).toString(), "--http-port", "0",
                "--partitions", "1"), work.resolve(app + ".log"))) {
            URI base = service.awaitHttp();
            Commands.Result produced = Commands.streamlearn(List.of("produce", "--config", good.toString(),
                    "--topic", prefix + "training-events", "--input", input.toString(), "--quiet"), work);
            assertThat(produced.exitCode()).as("produce: %s", produced.stderr()).isZero();

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .failFast(() -> assertThat(service.isAlive()).as(() -> "the service exited:\n"
                            + service.logTail(40)).isTrue())
                    .until(() -> {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/models/tls-m"))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        return r.statusCode() == 200 && Json.parse(r.body()).path("seen").asLong() == events;
                    });

            // kcat, over TLS with the broker's certificate as its CA: the committed snapshots the service wrote
            Commands.Result read = Commands.run(List.of(Commands.kcat().toString(), "-b", "127.0.0.1:" + tlsPort,
                    "-X", "security.protocol=ssl", "-X", "ssl.ca.location=" + file("broker.pem"),
                    "-X", "isolation.level=read_committed", "-C", "-t", prefix + "model-parameters", "-e",
                    "-o", "beginning", "-f", "%k\\t%s\\n", "-q"), null, work, Duration.ofSeconds(60));
            assertThat(read.exitCode()).as("kcat: %s", read.stderr()).isZero();
            assertThat(read.stdout()).contains("tls-m\t{");
        }
    }

    @Test
    void trustingAnotherCertificateTheServiceExitsNonZeroWithin30sNamingTheHandshake() throws IOException {
        String app = TestIds.prefix("tls-bad") + "app";
        Path bad = config("bad.properties", "wrong-trust.p12", TestIds.prefix("tls-bad"));
        try (ServiceProcess service = ServiceProcess.start(List.of("run", "--config", bad.toString(),
                "--application-id", app, "--state-dir", work.resolve(app).toString(), "--http-port", "-1",
                "--partitions", "1"), work.resolve(app + ".log"))) {
            Integer code = service.awaitExit(EXIT_WITHIN);
            assertThat(code).as("exited within %s; log:\n%s", EXIT_WITHIN, service.logTail(40)).isNotNull();
            assertThat(code.intValue()).as("exit code; log:\n%s", service.logTail(40)).isNotZero();
            assertThat(service.logTail(400)).contains("SSL handshake failed");
        }
    }

    /** A streamlearn.properties file for the TLS listener, trusting the certificates of {@code trustStore}. */
    private static Path config(String name, String trustStore, String topicPrefix) throws IOException {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "127.0.0.1:" + tlsPort);
        p.setProperty("kafka.security.protocol", "SSL");
        p.setProperty("kafka.ssl.truststore.type", "PKCS12");
        p.setProperty("kafka.ssl.truststore.location", file(trustStore));
        p.setProperty("kafka.ssl.truststore.password", PASSWORD);
        for (String topic : List.of("training-events", "model-commands", "prediction-requests", "model-parameters",
                "model-metrics", "predictions", "dead-letter", "labels", "prediction-log", "model-events")) {
            p.setProperty("topic." + topic, topicPrefix + topic);
        }
        Path file = work.resolve(name);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "TlsClusterIT");
        }
        return file;
    }

    /**
     * A key pair {@code <alias>.p12} for {@code IP:127.0.0.1}, its certificate {@code <alias>.pem}, and a trust
     * store {@code trustStore} holding that certificate alone.
     */
    private static void certificate(String alias, String trustStore) {
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1", "-keystore", file(alias + ".p12"));
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", file(alias + ".p12"), "-file",
                file(alias + ".pem"));
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", file(alias + ".pem"), "-keystore",
                file(trustStore));
    }

    private static String file(String name) {
        return work.resolve(name).toString();
    }

    /** The JDK's keytool with {@code args}, the PKCS12 store type and the password (absolute paths: it runs here). */
    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (args[0].equals("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PASSWORD));
        }
        Commands.Result r = Commands.run(cmd, null, work, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("keytool %s: %s %s", args[0], r.stdout(), r.stderr()).isZero();
    }
}
