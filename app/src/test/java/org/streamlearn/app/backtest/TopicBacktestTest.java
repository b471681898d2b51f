package org.streamlearn.app.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.kafka.local.LocalKafkaBroker;
import org.streamlearn.store.json.Json;

/** {@code streamlearn backtest --topic}: replaying a topic gives exactly the file backtest's model. */
class TopicBacktestTest {

    @Test
    void aReplayedTopicBacktestsLikeTheFile(@TempDir Path dir) throws Exception {
        Path data = Reference.folder().resolve("data/drift.jsonl");
        List<String> lines = Files.readAllLines(data).stream().filter(l -> !l.isBlank()).toList();
        Path spec = dir.resolve("adam.json");
        Files.writeString(spec, "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"adam\","
                + "\"learningRate\":0.05},\"update\":{\"mode\":\"minibatch\",\"batchSize\":7}}");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
                admin.createTopic(TopicSpec.of("events", 3));
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < lines.size(); i++) {
                    producer.send(new ProducerRecord<>("events", "drift", lines.get(i).getBytes(StandardCharsets.UTF_8)));
                    if (i % 3 == 0) {
                        producer.send(new ProducerRecord<>("events", "other", "not even json"
                                .getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
            BacktestCommandTest.Run topic = BacktestCommandTest.cli("backtest", "--topic", "events",
                    "--bootstrap-servers", broker.bootstrapServers(), "--key", "drift", "--spec", spec.toString(),
                    "--out", dir.resolve("topic").toString(), "--quiet");
            assertThat(topic.code()).as(topic.err()).isZero();
            BacktestCommandTest.Run bad = BacktestCommandTest.cli("backtest", "--topic", "events",
                    "--bootstrap-servers", broker.bootstrapServers(), "--spec", spec.toString(),
                    "--out", dir.resolve("all").toString(), "--quiet");
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err()).containsPattern("events-\\d@\\d+: event: not valid JSON");
            BacktestCommandTest.Run missing = BacktestCommandTest.cli("backtest", "--topic", "nope",
                    "--bootstrap-servers", broker.bootstrapServers(), "--spec", spec.toString(),
                    "--out", dir.resolve("none").toString(), "--quiet");
            assertThat(missing.code()).isEqualTo(2);
            assertThat(missing.err()).contains("no topic 'nope'");
        }
        BacktestCommandTest.Run file = BacktestCommandTest.cli("backtest", "--input", data.toString(), "--spec",
                spec.toString(), "--out", dir.resolve("file").toString(), "--quiet");
        assertThat(file.code()).isZero();
        JsonNode a = Json.MAPPER.readTree(dir.resolve("topic/summary.json").toFile()).get("runs").get(0).get("model");
        JsonNode b = Json.MAPPER.readTree(dir.resolve("file/summary.json").toFile()).get("runs").get(0).get("model");
        assertThat(a.get("seen").asLong()).isEqualTo(lines.size());
        assertThat(a.get("weights")).isEqualTo(b.get("weights"));
        assertThat(a.get("intercept")).isEqualTo(b.get("intercept"));
        assertThat(a.get("optimizer")).isEqualTo(b.get("optimizer"));
    }
}
