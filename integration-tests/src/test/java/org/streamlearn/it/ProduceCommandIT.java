package org.streamlearn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.streamlearn.app.cli.StreamlearnCli;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.it.support.Commands;
import org.streamlearn.it.support.ItEnv;
import org.streamlearn.it.support.KafkaCluster;
import org.streamlearn.it.support.KafkaFixture;
import org.streamlearn.it.support.TestIds;
import org.streamlearn.it.support.TopicReader;
import picocli.CommandLine;

/** {@code streamlearn produce --topic T --input file.jsonl}: against the real broker, checked with a consumer. */
@ExtendWith(KafkaFixture.class)
class ProduceCommandIT {

    private static String bootstrap;
    private static Path work;

    private record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void cluster(KafkaCluster kafka) {
        bootstrap = kafka.bootstrapServers();
        work = ItEnv.workDir("produce");
    }

    @Test
    void sendsEveryLineKeyedByTheModelOptionInOrderAndCountsThem() throws Exception {
        String topic = newTopic("by-option");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            lines.add("{\"features\": [" + i + ", " + (i % 7) + "], \"label\": " + (i % 2) + "}");
        }
        List<String> file = new ArrayList<>(lines);
        file.add(10, "");
        file.add("   ");
        Path input = write("by-option.jsonl", file);

        Run r = produce("--topic", topic, "--input", input.toString(), "--model", "m1");

        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("produced 2500 records to " + topic);
        List<ConsumerRecord<String, String>> got = readAll(topic);
        assertThat(got).extracting(ConsumerRecord::key).containsOnly("m1");
        assertThat(got).extracting(ConsumerRecord::value).containsExactlyElementsOf(lines);
    }

    @Test
    void takesEachRecordKeyFromTheLinesModelField() throws Exception {
        String topic = newTopic("by-field");
        Path input = write("by-field.jsonl", List.of(
                "{\"model\": \"a\", \"features\": [1], \"label\": 1}",
                "{\"model\": \"b\", \"features\": [2], \"label\": 0}",
                "{\"features\": [3], \"label\": 1, \"model\": \"a\"}"));

        Run r = produce("--topic", topic, "--input", input.toString());

        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("produced 3 records");
        List<ConsumerRecord<String, String>> got = readAll(topic);
        assertThat(got).hasSize(3);
        assertThat(got.stream().filter(c -> c.key().equals("a")).map(ConsumerRecord::value))
                .containsExactly("{\"model\": \"a\", \"features\": [1], \"label\": 1}",
                        "{\"features\": [3], \"label\": 1, \"model\": \"a\"}");
        assertThat(got.stream().filter(c -> c.key().equals("b"))).hasSize(1);
    }

    @Test
    void aLineThatIsNotJsonStopsWithItsLineNumberBeforeAnythingIsSent() throws Exception {
        String topic = newTopic("broken");
        Path input = write("broken.jsonl", List.of(
                "{\"model\": \"a\", \"features\": [1], \"label\": 1}",
                "{\"model\": \"a\", \"features\": [2], \"label\": 0}",
                "{\"model\": \"a\", \"features\": [3, \"label\": 1"));

        Run r = produce("--topic", topic, "--input", input.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("broken.jsonl:3:").contains("not valid JSON").contains("nothing was sent");
        assertThat(readAll(topic)).isEmpty();
    }

    @Test
    void aLineWithoutModelFieldNamesTheLineAndTheFix() throws Exception {
        String topic = newTopic("no-model");
        Path input = write("no-model.jsonl", List.of(
                "{\"model\": \"a\", \"features\": [1], \"label\": 1}",
                "{\"features\": [2], \"label\": 0}"));

        Run r = produce("--topic", topic, "--input", input.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no-model.jsonl:2:").contains("\"model\"").contains("--model");
        assertThat(readAll(topic)).isEmpty();
    }

    @Test
    void withModelOptionLinesAreSentAsTheyAreEvenIfNotJson() throws Exception {
        String topic = newTopic("as-is");
        Path input = write("as-is.jsonl", List.of("not json at all", "{\"features\": [1], \"label\": 1}"));

        Run r = produce("--topic", topic, "--input", input.toString(), "--model", "x");

        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        assertThat(readAll(topic)).extracting(ConsumerRecord::value)
                .containsExactly("not json at all", "{\"features\": [1], \"label\": 1}");
    }

    @Test
    void aMissingTopicIsAClearErrorNotAMinuteOfSilence() throws Exception {
        Path input = write("one.jsonl", List.of("{\"features\": [1], \"label\": 1}"));

        Run r = produce("--topic", TestIds.prefix("missing") + "nope", "--input", input.toString(), "--model", "m");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("does not exist");
    }

    @Test
    void thePackagedJarHasTheCommandWithHelp() {
        Commands.Result r = Commands.run(List.of(ItEnv.java(), "-jar", ItEnv.streamlearnJar().toString(), "produce",
                "--help"), null, work, Duration.ofSeconds(60));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("--topic").contains("--input").contains("--model")
                .contains("--bootstrap-servers").contains("\"model\" field");
    }

    @Test
    void thePackagedJarReadsStandardInput() throws Exception {
        String topic = newTopic("stdin");
        Path input = write("stdin.jsonl", List.of("{\"features\": [1], \"label\": 1}", "{\"features\": [2], \"label\": 0}"));

        Commands.Result r = Commands.run(List.of(ItEnv.java(), "-jar", ItEnv.streamlearnJar().toString(), "produce",
                "--bootstrap-servers", bootstrap, "--topic", topic, "--input", "-", "--model", "from-stdin"), input, work,
                Duration.ofSeconds(120));

        assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
        assertThat(r.stdout()).contains("produced 2 records to " + topic + " from <stdin>");
        assertThat(readAll(topic)).extracting(ConsumerRecord::key).containsExactly("from-stdin", "from-stdin");
    }

    private static String newTopic(String name) {
        String topic = TestIds.prefix("produce-" + name) + "events";
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            admin.createTopic(TopicSpec.of(topic, 2));
        }
        return topic;
    }

    private static Path write(String name, List<String> lines) throws Exception {
        Path p = work.resolve(name);
        Files.write(p, lines, StandardCharsets.UTF_8);
        return p;
    }

    private static Run produce(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StreamlearnCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("produce", "--bootstrap-servers", bootstrap, "--quiet"));
        all.addAll(List.of(args));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic) {
        try (TopicReader reader = new TopicReader(bootstrap, topic)) {
            return reader.readToEnd(Duration.ofSeconds(60));
        }
    }
}
