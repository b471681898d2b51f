package org.streamlearn.app.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.app.cli.StreamlearnCli;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.store.json.Json;
import picocli.CommandLine;

/** {@code streamlearn backtest} end to end: the reference cases, malformed lines, side-by-side specs, help. */
class BacktestCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = StreamlearnCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Stream<Arguments> cases() {
        return Reference.cases().stream().map(c -> Arguments.of(Named.of(c.get("name").asText(), c)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyReferenceCasePassesThroughTheCommandLine(JsonNode c, @TempDir Path dir) throws IOException {
        Path spec = dir.resolve(c.get("name").asText() + ".json");
        Files.writeString(spec, Json.MAPPER.writeValueAsString(c.get("spec")));
        Path data = Reference.folder().resolve(c.get("dataset").asText());
        Run r = cli("backtest", "--input", data.toString(), "--spec", spec.toString(), "--out",
                dir.resolve("out").toString(), "--quiet", "--trace-every", "50");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode summary = Json.MAPPER.readTree(dir.resolve("out/summary.json").toFile());
        JsonNode run = summary.get("runs").get(0);
        JsonNode expected = c.get("expected");
        assertThat(run.get("name").asText()).isEqualTo(c.get("name").asText());
        assertThat(run.get("seen").asLong()).isEqualTo(expected.get("events").asLong());
        assertThat(run.get("steps").asLong()).isEqualTo(expected.get("steps").asLong());
        expected.get("metrics").fieldNames().forEachRemaining(m -> {
            if (!m.equals("correct")) {
                Reference.assertClose(run.get("metrics").get(m), expected.get("metrics").get(m), "metrics." + m);
            }
        });
        JsonNode model = run.get("model");
        JsonNode end = expected.get("snapshots").get("end");
        assertThat(model.get("seen").asLong()).isEqualTo(end.get("seen").asLong());
        assertThat(model.get("updates").asLong()).isEqualTo(end.get("steps").asLong());
        Reference.assertClose(model.get("weights"), end.get("weights"), "weights");
        Reference.assertClose(model.get("intercept"), end.get("intercept"), "intercept");
        JsonNode scaler = expected.get("scaler");
        if (scaler != null) {
            Reference.assertClose(model.get("scaler").get("mean"), scaler.get("mean"), "scaler.mean");
            Reference.assertClose(model.get("scaler").get("variance"), scaler.get("variance"), "scaler.variance");
        }
        List<String> trace = Files.readAllLines(dir.resolve("out/trace-" + c.get("name").asText() + ".jsonl"));
        long n = expected.get("events").asLong();
        assertThat(trace).hasSize((int) (n / 50 + 1));
        assertThat(Json.MAPPER.readTree(trace.get(0)).get("seen").asLong()).isEqualTo(50);
    }

    @Test
    void aMalformedLineStopsWithItsLineNumber(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("s.json");
        Files.writeString(spec, "{\"task\":\"regression\",\"features\":2}");
        Path data = dir.resolve("e.jsonl");
        Files.writeString(data, """
                {"features": [1, 2], "label": 3}
                {"features": [1, 2], "label": 4}
                {"features": [1, "x"], "label": 4}
                {"features": [1, 2], "label": 5}
                """);
        Run r = cli("backtest", "--input", data.toString(), "--spec", spec.toString(), "--out",
                dir.resolve("o").toString(), "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("e.jsonl:3:").contains("features[1]").contains("must be a number")
                .contains("--skip-invalid");
    }

    @Test
    void skipInvalidCountsAndSkips(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("s.json");
        Files.writeString(spec, "{\"task\":\"binary\",\"features\":2}");
        Path data = dir.resolve("e.jsonl");
        Files.writeString(data, """
                {"features": [1, 2], "label": 1}
                not json
                {"features": [1, 2, 3], "label": 0}
                [1, 2]
                {"features": [1, 2], "label": 2}
                {"features": [0.5, 2], "label": false}
                {"features": [1, 2]}
                """);
        Run r = cli("backtest", "--input", data.toString(), "--spec", spec.toString(), "--out",
                dir.resolve("o").toString(), "--quiet", "--skip-invalid");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode summary = Json.MAPPER.readTree(dir.resolve("o/summary.json").toFile());
        assertThat(summary.get("invalid").asLong()).isEqualTo(5);
        assertThat(summary.get("runs").get(0).get("seen").asLong()).isEqualTo(2);
        assertThat(summary.get("runs").get(0).get("skipped").asLong()).isEqualTo(5);
    }

    @Test
    void specsRunSideBySideAndBadSpecsNameTheField(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.json");
        Files.writeString(a, "{\"task\":\"regression\",\"features\":1,\"optimizer\":{\"type\":\"adam\"}}");
        Path data = dir.resolve("e.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            sb.append("{\"features\": [").append(i % 7).append("], \"label\": ").append(2 * (i % 7) + 1).append("}\n");
        }
        Files.writeString(data, sb.toString());
        Run r = cli("backtest", "--input", data.toString(), "--spec", a.toString(), "--spec", "sgd=" + a, "--out",
                dir.resolve("o").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("300 events");
        JsonNode runs = Json.MAPPER.readTree(dir.resolve("o/summary.json").toFile()).get("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).get("name").asText()).isEqualTo("a");
        assertThat(runs.get(1).get("name").asText()).isEqualTo("sgd");
        assertThat(Files.exists(dir.resolve("o/trace-sgd.jsonl"))).isTrue();
        String report = Files.readString(dir.resolve("o/report.html"));
        assertThat(report).contains("<svg").contains("<polyline").contains(">a<").contains(">sgd<").contains("mse");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"task\":\"regression\",\"features\":1,\"optimizer\":{\"type\":\"adamw\"}}");
        Run b = cli("backtest", "--input", data.toString(), "--spec", bad.toString(), "--out", dir.toString());
        assertThat(b.code()).isNotZero();
        assertThat(b.err()).contains("optimizer.type").contains("adamw");
    }

    @Test
    void optionsThatDoNotGoTogetherAreNamed(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("s.json");
        Files.writeString(spec, "{\"task\":\"regression\",\"features\":5}");
        String data = Reference.folder().resolve("data/regression.jsonl").toString();
        String out = dir.resolve("o").toString();
        String[][] cases = {
            {"--key goes with --topic", "--input", data, "--spec", spec.toString(), "--key", "k"},
            {"--from goes with --topic", "--input", data, "--spec", spec.toString(), "--from", "-7d"},
            {"--holdout: a fraction in [0, 1), got 1.5", "--input", data, "--spec", spec.toString(), "--holdout", "1.5"},
            {"--threads: must be >= 1", "--input", data, "--spec", spec.toString(), "--threads", "0"},
            {"--epochs: must be >= 1", "--input", data, "--spec", spec.toString(), "--epochs", "0"},
            {"--grid needs --spec", "--topic", "t", "--grid", "optimizer.learningRate=0.1"},
            {"--epochs, --holdout and batch mode need --spec", "--topic", "t", "--epochs", "2"},
            {"--commands-topic: not with --epochs", "--topic", "t", "--spec", spec.toString(), "--epochs", "2",
                "--commands-topic", "c"},
            {"--warm-start: not with --epochs", "--topic", "t", "--spec", spec.toString(), "--holdout", "0.1",
                "--warm-start", "p"},
            {"--replicas: only with --input", "--topic", "t", "--replicas", "2"},
            {"--keys-matching: not a regular expression", "--topic", "t", "--spec", spec.toString(), "--keys-matching",
                "k[", "--bootstrap-servers", "127.0.0.1:1"},
        };
        for (String[] c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of("backtest", "--out", out));
            args.addAll(List.of(c).subList(1, c.length));
            Run r = cli(args.toArray(new String[0]));
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(c[0]);
        }
    }

    @Test
    void everyCommandHasHelp() {
        Run top = cli("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("backtest");
        for (String sub : StreamlearnCli.commandLine().getSubcommands().keySet()) {
            Run r = cli(sub, "--help");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out()).as(sub).contains("Usage:");
        }
    }
}
