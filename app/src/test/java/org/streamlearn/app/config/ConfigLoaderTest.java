package org.streamlearn.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config: defaults, file < environment < flags, and clear errors naming the setting. */
class ConfigLoaderTest {

    @Test
    void defaultsNeedOnlyTheBootstrapServers() {
        ServiceConfig c = ConfigLoader.load(null, Map.of(), Map.of("bootstrap.servers", "127.0.0.1:9092"));
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.topics()).isEqualTo(Topics.DEFAULT);
        assertThat(c.partitions()).isEqualTo(4);
        assertThat(c.defaultSpec().get("task").asText()).isEqualTo("regression");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("bootstrap.servers: required");
    }

    @Test
    void fileThenEnvironmentThenFlags(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("streamlearn.properties");
        Files.writeString(f, "bootstrap.servers=a:1\napplication.id=fromfile\ntopics.partitions=2\n"
                + "kafka.max.poll.records=77\n");
        ServiceConfig c = ConfigLoader.load(f, Map.of("STREAMLEARN_APPLICATION_ID", "fromenv",
                "STREAMLEARN_TOPIC_DEAD_LETTER", "dlq", "PATH", "/bin", "STREAMLEARN_KAFKA_LINGER_MS", "3"),
                Map.of("topics.partitions", "6"));
        assertThat(c.bootstrapServers()).isEqualTo("a:1");
        assertThat(c.applicationId()).isEqualTo("fromenv");
        assertThat(c.partitions()).isEqualTo(6);
        assertThat(c.topics().deadLetter()).isEqualTo("dlq");
        assertThat(c.kafkaOverrides()).containsEntry("max.poll.records", "77").containsEntry("linger.ms", "3");
    }

    @Test
    void errorsNameTheSetting(@TempDir Path dir) throws IOException {
        Map<String, String> ok = Map.of("bootstrap.servers", "h:1");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("bootstrap.servers", "nohost")))
                .hasMessageStartingWith("bootstrap.servers: 'nohost' is not host:port");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "topics.partitions", "zero")))
                .hasMessageStartingWith("topics.partitions: must be an integer");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "topics.partitions", "0")))
                .hasMessageStartingWith("topics.partitions: must be >= 1");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "processing.guarantee", "maybe")))
                .hasMessageStartingWith("processing.guarantee:");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "colour", "red")))
                .hasMessageStartingWith("colour: unknown setting");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("STREAMLEARN_COLOUR", "red"), ok))
                .hasMessageStartingWith("STREAMLEARN_COLOUR: unknown environment setting");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "default.spec",
                "{\"task\":\"regression\",\"optimizer\":{\"type\":\"adamw\"}}")))
                .hasMessageStartingWith("default.spec: optimizer.type: unknown value 'adamw'");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "topic.training-events", "bad topic")))
                .hasMessageContaining("illegal topic name");
        Path specs = dir.resolve("specs");
        Files.createDirectories(specs);
        Files.writeString(specs.resolve("m1.json"), "{\"task\":\"binary\",\"features\":3}");
        ServiceConfig c = ConfigLoader.load(null, Map.of(), with(ok, "spec.dir", specs.toString()));
        assertThat(c.seedSpecs()).containsOnlyKeys("m1");
        Files.writeString(specs.resolve("m2.json"), "{\"task\":\"binary\"}");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "spec.dir", specs.toString())))
                .hasMessageStartingWith("spec.dir: m2.json: features:");
    }

    private static Map<String, String> with(Map<String, String> base, String k, String v) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(k, v);
        return m;
    }

    @Test
    void shutdownSettingsHaveBoundedDefaultsAndNamedErrors() {
        Map<String, String> ok = Map.of("bootstrap.servers", "h:1");
        ServiceConfig d = ConfigLoader.load(null, Map.of(), ok);
        assertThat(d.lifecycle()).isEqualTo(new LifecycleSettings(15_000, 2_000, true));
        ServiceConfig c = ConfigLoader.load(null, Map.of("STREAMLEARN_SHUTDOWN_STREAMS_TIMEOUT_MS", "4000"),
                with(with(ok, "shutdown.http.timeout.ms", "500"), "shutdown.leave.group", "false"));
        assertThat(c.lifecycle()).isEqualTo(new LifecycleSettings(4_000, 500, false));
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "shutdown.leave.group", "yes")))
                .hasMessageStartingWith("shutdown.leave.group: must be true or false, got 'yes'");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), with(ok, "shutdown.streams.timeout.ms", "-1")))
                .hasMessageStartingWith("shutdown.streams.timeout.ms: must be >= 0");
    }
}
