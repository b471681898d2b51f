package org.streamlearn.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.streamlearn.kafka.local.KafkaTestClients.consume;
import static org.streamlearn.kafka.local.KafkaTestClients.createTopics;
import static org.streamlearn.kafka.local.KafkaTestClients.newGroup;
import static org.streamlearn.kafka.local.KafkaTestClients.produce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real broker in a child JVM (the default mode): topics, records, transactions, graceful
 * restart, kill -9, cleanup, and the death of the parent.
 */
class LocalKafkaBrokerTest {

    private static final int RECORDS = 1000;

    @Test
    void servesTopicsRecordsAndTransactionsAndKeepsThemAcrossARestart() throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.builder().build();
        Path dataDir = broker.dataDir();
        try (broker) {
            assertThat(broker.mode()).isEqualTo(LocalKafkaBroker.Mode.CHILD_PROCESS);
            broker.start();
            String bootstrap = broker.bootstrapServers();
            assertThat(bootstrap).isEqualTo("127.0.0.1:" + broker.port());
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.logFile()).isRegularFile().content()
                    .contains("LocalKafkaBroker starting " + bootstrap) // ours
                    .containsPattern("Formatting .*kraft-data") // the storage tool's standard output
                    .contains("Kafka Server started"); // the broker's log at INFO, on standard error
            long firstPid = broker.pid().orElseThrow();

            // topics (their administration is the service's: TopicAdminTest in app)
            createTopics(bootstrap, Map.of("numbers", 3, "tx", 1));

            // 1000 records there and back, with committed offsets
            produce(bootstrap, "numbers", RECORDS);
            String group = newGroup();
            assertThat(asStrings(consume(bootstrap, "numbers", group, RECORDS))).isEqualTo(expectedNumbers());

            // exactly-once: an aborted then a committed transaction; read_committed sees only the latter
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(KafkaTestClients.transactionalProducerConfig(bootstrap))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx", "a", "aborted"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("tx", "k" + i, "committed"));
                }
                producer.commitTransaction();
            }
            assertThat(consume(bootstrap, "tx", newGroup(), 10)).extracting(ConsumerRecord::value)
                    .containsOnly("committed").hasSize(10);

            // a graceful restart: same data, same port, a new process
            broker.restart();
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(broker.pid().orElseThrow()).isNotEqualTo(firstPid);
            assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(asStrings(consume(bootstrap, "numbers", newGroup(), RECORDS))).isEqualTo(expectedNumbers());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(RECORDS);
                long end = admin.listOffsets(Map.of(new TopicPartition("tx", 0), OffsetSpec.latest()))
                        .all().get().get(new TopicPartition("tx", 0)).offset();
                assertThat(end).isGreaterThan(10); // records plus transaction markers
            }
        }
        assertThat(broker.isRunning()).isFalse();
        assertThat(dataDir).doesNotExist();
        broker.close(); // idempotent
    }

    @Test
    void afterKillAFreshBrokerStarts() throws Exception {
        try (LocalKafkaBroker killed = LocalKafkaBroker.builder().build().start()) {
            ProcessHandle process = ProcessHandle.of(killed.pid().orElseThrow()).orElseThrow();
            killed.kill();
            assertThat(process.isAlive()).isFalse();
            assertThat(killed.isRunning()).isFalse();
            assertThat(killed.pid()).isEmpty();

            try (LocalKafkaBroker fresh = LocalKafkaBroker.builder().build().start()) {
                assertThat(fresh.dataDir()).isNotEqualTo(killed.dataDir());
                createTopics(fresh.bootstrapServers(), Map.of("after-kill", 1));
                produce(fresh.bootstrapServers(), "after-kill", 10);
                assertThat(consume(fresh.bootstrapServers(), "after-kill", newGroup(), 10)).hasSize(10);
            }
        }
    }

    @Test
    void aChildBrokerDiesWithItsParentEvenOnKill9() throws Exception {
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ParentMain.class.getName())
                .redirectErrorStream(true)
                .start();
        try {
            CompletableFuture<String> started = new CompletableFuture<>();
            Thread reader = new Thread(() -> drain(parent, started), "parent-output");
            reader.setDaemon(true);
            reader.start();
            String[] line = started.get(90, TimeUnit.SECONDS).split(" ");
            ProcessHandle child = ProcessHandle.of(Long.parseLong(line[1])).orElseThrow();
            Path dataDir = Path.of(line[2]);
            assertThat(child.isAlive()).isTrue();
            assertThat(dataDir).isDirectory();

            parent.destroyForcibly(); // SIGKILL: no shutdown hook of the parent runs
            assertThat(parent.waitFor(30, TimeUnit.SECONDS)).isTrue();

            child.onExit().get(BrokerMain.HALT_AFTER_MS + 10_000, TimeUnit.MILLISECONDS);
            assertThat(child.isAlive()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dataDir));
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void aBrokerThatCannotStartReportsTheTailOfItsLog() {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder()
                .serverProperty("num.io.threads", "many")
                .build()) {
            assertThatThrownBy(broker::start)
                    .isInstanceOf(LocalKafkaBrokerException.class)
                    .hasMessageContaining("exited with code 1")
                    .hasMessageContaining("last lines of " + broker.logFile())
                    .hasMessageContaining("num.io.threads");
            assertThat(broker.isRunning()).isFalse();
            assertThat(broker.pid()).isEmpty();
        }
    }

    @Test
    void buildChoosesTwoFreePortsAndTheSingleNodeSettings() {
        LocalKafkaBroker broker = LocalKafkaBroker.builder().build();
        try (broker) {
            assertThat(broker.port()).isNotEqualTo(broker.controllerPort());
            Map<String, String> props = broker.serverProperties();
            assertThat(props).containsEntry("process.roles", "broker,controller")
                    .containsEntry("node.id", "1")
                    .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:" + broker.controllerPort())
                    .containsEntry("listeners", "PLAINTEXT://127.0.0.1:" + broker.port()
                            + ",CONTROLLER://127.0.0.1:" + broker.controllerPort())
                    .containsEntry("offsets.topic.replication.factor", "1")
                    .containsEntry("transaction.state.log.replication.factor", "1")
                    .containsEntry("transaction.state.log.min.isr", "1")
                    .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                    .containsEntry("share.coordinator.state.topic.min.isr", "1")
                    .containsEntry("group.initial.rebalance.delay.ms", "0")
                    .containsEntry("auto.create.topics.enable", "false")
                    .containsEntry("log.dirs", broker.dataDir().resolve("kraft-data").toString());
            assertThat(broker.dataDir()).isDirectory();
            assertThat(broker.hasTemporaryDataDir()).isTrue();
        }
        assertThat(broker.dataDir()).doesNotExist();
    }

    @Test
    void aChosenDataDirIsKeptAndServerPropertiesCanBeOverridden(@TempDir Path tmp) {
        Path chosen = tmp.resolve("kafka");
        LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(chosen).port(19092).controllerPort(19093)
                .serverProperty("num.partitions", "2").serverProperty("background.threads", null).build();
        broker.close();
        assertThat(broker.hasTemporaryDataDir()).isFalse();
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(broker.serverProperties()).containsEntry("num.partitions", "2").doesNotContainKey("background.threads");
        assertThat(broker.dataDir()).isEqualTo(chosen);
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LocalKafkaBroker.builder().port(9092).controllerPort(9092).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void drain(Process parent, CompletableFuture<String> started) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("BROKER ")) {
                    started.complete(line);
                }
            }
            started.completeExceptionally(new IllegalStateException("the parent JVM ended without a broker"));
        } catch (IOException e) {
            started.completeExceptionally(e);
        }
    }

    private static Set<String> asStrings(List<ConsumerRecord<String, String>> records) {
        assertThat(records).hasSize(RECORDS);
        return records.stream().map(r -> r.key() + "=" + r.value()).collect(Collectors.toSet());
    }

    private static Set<String> expectedNumbers() {
        return IntStream.range(0, RECORDS).mapToObj(i -> "k" + i + "=v" + i).collect(Collectors.toSet());
    }

    /** The parent JVM of {@link #aChildBrokerDiesWithItsParentEvenOnKill9()}: starts a broker and waits. */
    public static final class ParentMain {

        private ParentMain() {
        }

        /** Starts a child broker, prints {@code BROKER <pid> <dataDir>}, then blocks on standard input. */
        public static void main(String[] args) throws IOException {
            LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start();
            System.out.println("BROKER " + broker.pid().orElseThrow() + " " + broker.dataDir());
            System.out.flush();
            while (System.in.read() >= 0) {
                // blocks until killed
            }
        }
    }
}
