package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.streamlearn.app.config.Topics;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.KafkaClients;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.ServiceProcess;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * How {@code streamlearn run} ends, as an orchestrator sees it (the service as a separate process, a real broker
 * of this class's own, since the last test stops it):
 * <ul>
 * <li>an unrecoverable Kafka Streams error (its input topics deleted under it) makes the process log the reason
 *     and exit with status 1 within a bound;</li>
 * <li>SIGTERM after the broker has gone away ends the process within its configured shutdown bounds.</li>
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessExitIT {

    /** Configured bounds for the SIGTERM test: Kafka Streams' close and the HTTP server's. */
    private static final long STREAMS_CLOSE_MS = 4_000;
    private static final long HTTP_CLOSE_MS = 1_000;
    /** JVM start-up noise, hook scheduling and a loaded 2-core machine, on top of the configured bounds. */
    private static final Duration MARGIN = Duration.ofSeconds(10);
    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);

    private static LocalKafkaBroker broker;
    private static Path work;

    @BeforeAll
    static void startBroker() {
        work = ItEnv.workDir("process-exit");
        broker = KafkaFixture.localBroker().build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, String> settings(String prefix) {
        Map<String, String> s = new LinkedHashMap<>(TestIds.topicSettings(prefix));
        s.put("topics.partitions", "2");
        s.put("http.port", "0");
        s.put("shutdown.streams.timeout.ms", Long.toString(STREAMS_CLOSE_MS));
        s.put("shutdown.http.timeout.ms", Long.toString(HTTP_CLOSE_MS));
        return s;
    }

    private static void awaitRunning(ServiceProcess p) {
        await("streamlearn run reaches RUNNING").atMost(RUNNING_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .failFast("the process exited: " + p.log(), () -> !p.isAlive())
                .until(() -> p.logContains("streamlearn: running"));
    }

    @Test
    @Order(1)
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void deletedInputTopicsMakeTheProcessExitNonZeroWithTheReason() throws Exception {
        String prefix = TestIds.prefix("exit-error");
        Topics topics = TestIds.topics(prefix);
        try (ServiceProcess p = ServiceProcess.run(broker.bootstrapServers(), prefix + "app",
                work.resolve("state-error"), settings(prefix), work.resolve("exit-error.log"))) {
            awaitRunning(p);
            long t0 = System.nanoTime();
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.deleteTopics(List.of(topics.trainingEvents(), topics.modelCommands(),
                        topics.predictionRequests())).all().get(60, TimeUnit.SECONDS);
            }
            Integer status = p.awaitExit(Duration.ofSeconds(90));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(status).as("exit status within 90 s of deleting the input topics; log:\n%s", p.logTail(30))
                    .isEqualTo(1);
            assertThat(p.logContains("streamlearn: exiting (status 1): ")).as("the reason is logged").isTrue();
            assertThat(p.logContains("MissingSourceTopicException") || p.logContains("Kafka Streams reached"))
                    .as("the reason names the Streams failure; log:\n%s", p.logTail(30)).isTrue();
            System.out.printf("ProcessExitIT: input topics deleted -> exit status %d after %.1f s%n", status, seconds);
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void sigtermAfterTheBrokerStoppedExitsWithinTheConfiguredBound() throws Exception {
        String prefix = TestIds.prefix("exit-term");
        try (ServiceProcess p = ServiceProcess.run(broker.bootstrapServers(), prefix + "app",
                work.resolve("state-term"), settings(prefix), work.resolve("exit-term.log"))) {
            awaitRunning(p);
            broker.close();
            broker = null;
            long t0 = System.nanoTime();
            p.terminate();
            Duration bound = Duration.ofMillis(STREAMS_CLOSE_MS + HTTP_CLOSE_MS).plus(MARGIN);
            Integer status = p.awaitExit(bound);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(status).as("SIGTERM with the broker gone: exited within %s; log:\n%s", bound, p.logTail(30))
                    .isNotNull();
            System.out.printf("ProcessExitIT: SIGTERM with the broker stopped -> exit status %d after %.1f s "
                    + "(configured bounds %d + %d ms)%n", status, seconds, STREAMS_CLOSE_MS, HTTP_CLOSE_MS);
        }
    }
}
