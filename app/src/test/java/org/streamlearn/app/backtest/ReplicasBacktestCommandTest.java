package org.streamlearn.app.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.store.json.Json;

/** {@code streamlearn backtest --replicas R}: the spec alone and as R replicas, side by side. */
class ReplicasBacktestCommandTest {

    private static final String SPEC = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02},\"replicas\":{\"count\":2,\"syncEvery\":8}}";

    @Test
    void runsTheSpecAloneAndAsRReplicas(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("lin.json"), SPEC);
        Path input = Reference.folder().resolve("data/regression.jsonl");
        BacktestCommandTest.Run r = BacktestCommandTest.cli("backtest", "--input", input.toString(), "--spec",
                spec.toString(), "--out", dir.resolve("out").toString(), "--replicas", "4", "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode runs = Json.MAPPER.readTree(dir.resolve("out/summary.json").toFile()).get("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).get("name").asText()).isEqualTo("lin");
        assertThat(runs.get(0).get("spec").has("replicas")).isFalse();
        assertThat(runs.get(1).get("name").asText()).isEqualTo("lin-r4");
        assertThat(runs.get(1).get("spec").get("replicas").toString()).isEqualTo("{\"count\":4,\"syncEvery\":8}");
        assertThat(runs.get(1).get("seen").asLong()).isEqualTo(400);
        assertThat(runs.get(1).get("metrics").get("mse").asDouble())
                .isNotEqualTo(runs.get(0).get("metrics").get("mse").asDouble());
        assertThat(Files.readString(dir.resolve("out/report.html"))).contains("lin-r4");
        // without --replicas the spec's own block is used: one run, replicated
        BacktestCommandTest.Run own = BacktestCommandTest.cli("backtest", "--input", input.toString(), "--spec",
                spec.toString(), "--out", dir.resolve("own").toString(), "--quiet");
        assertThat(own.code()).as(own.err()).isZero();
        JsonNode one = Json.MAPPER.readTree(dir.resolve("own/summary.json").toFile()).get("runs");
        assertThat(one).hasSize(1);
        assertThat(one.get(0).get("spec").get("replicas").get("count").asInt()).isEqualTo(2);
    }

    @Test
    void aBadCountIsRefusedNamingTheField(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("lin.json"), SPEC);
        BacktestCommandTest.Run r = BacktestCommandTest.cli("backtest", "--input",
                Reference.folder().resolve("data/regression.jsonl").toString(), "--spec", spec.toString(), "--out",
                dir.resolve("out").toString(), "--replicas", "0");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--replicas 0 with spec lin: replicas.count: ");
    }
}
