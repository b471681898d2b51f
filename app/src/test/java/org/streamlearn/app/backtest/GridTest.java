package org.streamlearn.app.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpecs;

/** {@code --grid}: the cartesian product over each spec, as written, named after its settings. */
class GridTest {

    @Test
    void expandsAsWritten() {
        Configuration adam = new Configuration("a", ModelSpecs.parse("{\"task\":\"regression\",\"features\":2,"
                + "\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.05,\"beta1\":0.8}}"), Map.of());
        Configuration sgd = new Configuration("b", ModelSpecs.parse("{\"task\":\"regression\",\"features\":2}"),
                Map.of());
        List<Configuration> out = Grid.expand(List.of(adam, sgd), List.of(
                Grid.parse("optimizer.learningRate=0.001,0.01,0.1"), Grid.parse("optimizer.type=sgd,adam")));
        assertThat(out).hasSize(12);
        assertThat(out.stream().map(Configuration::name).limit(3)).containsExactly(
                "a__optimizer.learningRate-0.001__optimizer.type-sgd",
                "a__optimizer.learningRate-0.001__optimizer.type-adam",
                "a__optimizer.learningRate-0.01__optimizer.type-sgd");
        Configuration c = out.get(1);
        assertThat(c.settings()).containsExactly(Map.entry("optimizer.learningRate", "0.001"),
                Map.entry("optimizer.type", "adam"));
        assertThat(c.spec().optimizer().type()).isEqualTo("adam");
        assertThat(c.spec().optimizer().learningRate()).isEqualTo(0.001);
        assertThat(c.spec().optimizer().beta1()).isEqualTo(0.8);
        Configuration toSgd = out.get(4);
        assertThat(toSgd.spec().optimizer().type()).isEqualTo("sgd");
        assertThat(toSgd.spec().optimizer().learningRate()).isEqualTo(0.1);
        assertThat(out.get(6).name()).startsWith("b__");
        assertThat(out.get(6).spec().features()).isEqualTo(2);
    }

    @Test
    void badGridsNameTheProblem() {
        Configuration base = new Configuration("a", ModelSpecs.parse("{\"task\":\"regression\",\"features\":2}"),
                Map.of());
        assertThatThrownBy(() -> Grid.parse("optimizer.learningRate")).hasMessageContaining("PATH=V1,V2");
        assertThatThrownBy(() -> Grid.expand(List.of(base), List.of(Grid.parse("optimizer.learningRate=-1"))))
                .hasMessageContaining("optimizer.learningRate");
        assertThatThrownBy(() -> Grid.expand(List.of(base), List.of(Grid.parse("optimizer.type=adamw"))))
                .hasMessageContaining("adamw");
    }

    @Test
    void theCommandLineRunsEveryConfiguration(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("s.json");
        Files.writeString(spec, "{\"task\":\"regression\",\"features\":5}");
        BacktestCommandTest.Run r = BacktestCommandTest.cli("backtest", "--input",
                Reference.folder().resolve("data/regression.jsonl").toString(), "--spec", spec.toString(),
                "--grid", "optimizer.learningRate=0.01,0.02", "--grid", "optimizer.type=sgd,adam", "--out",
                dir.resolve("o").toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode runs = Json.MAPPER.readTree(dir.resolve("o/summary.json").toFile()).get("runs");
        assertThat(runs).hasSize(4);
        assertThat(runs.get(3).get("name").asText()).isEqualTo("s__optimizer.learningRate-0.02__optimizer.type-adam");
        assertThat(runs.get(3).get("spec").get("optimizer").get("learningRate").asDouble()).isEqualTo(0.02);
        assertThat(runs.get(0).get("model").get("weights")).isNotEqualTo(runs.get(3).get("model").get("weights"));
    }
}
