package org.streamlearn.app.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * {@code backtest --epochs}: one in-order epoch of mini-batches of 1 is online SGD bit for bit; full-batch gradient
 * descent on a least-squares problem converges to EJML's least-squares solution; {@code --holdout} scores every
 * update mode on the same rows (checked against the final models' own predictions); the trace has a line per
 * epoch; threads change nothing; a shuffle seed gives each pass the documented order (with a progress display).
 */
class EpochBacktestTest {

    private static final String SGD = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02}%s}";

    static JsonNode run(Path dir, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("backtest", "--out", dir.toString(), "--quiet"));
        a.addAll(List.of(args));
        BacktestCommandTest.Run r = BacktestCommandTest.cli(a.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isZero();
        return Json.MAPPER.readTree(dir.resolve("summary.json").toFile()).get("runs");
    }

    static Path spec(Path dir, String name, String json) throws Exception {
        Path p = dir.resolve(name + ".json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    void oneEpochOfMiniBatchesOfOneIsOnlineSgd(@TempDir Path dir) throws Exception {
        String data = Reference.folder().resolve("data/regression.jsonl").toString();
        JsonNode online = run(dir.resolve("online"), "--input", data, "--spec",
                spec(dir, "online", String.format(Locale.ROOT, SGD, "")).toString()).get(0).get("model");
        JsonNode epoch = run(dir.resolve("epoch"), "--input", data, "--epochs", "1", "--spec",
                spec(dir, "mb1", String.format(Locale.ROOT, SGD, ",\"update\":{\"mode\":\"minibatch\",\"batchSize\":1}"))
                        .toString()).get(0).get("model");
        for (String f : List.of("seen", "updates", "weights", "intercept", "optimizer", "scaler")) {
            assertThat(epoch.get(f)).as(f).isEqualTo(online.get(f));
        }
        assertThat(epoch.get("seen").asLong()).isEqualTo(400);
    }

    @Test
    void fullBatchGradientDescentConvergesToTheLeastSquaresSolution(@TempDir Path dir) throws Exception {
        int n = 200;
        Random rnd = new Random(42);
        DMatrixRMaj a = new DMatrixRMaj(n, 4);
        DMatrixRMaj b = new DMatrixRMaj(n, 1);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            double[] x = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            double y = 1.5 * x[0] - 2 * x[1] + 0.5 * x[2] + 3 + 0.3 * rnd.nextGaussian();
            for (int j = 0; j < 3; j++) {
                a.set(i, j, x[j]);
            }
            a.set(i, 3, 1);
            b.set(i, 0, y);
            lines.append(String.format(Locale.ROOT, "{\"features\":[%s,%s,%s],\"label\":%s}%n", x[0], x[1], x[2], y));
        }
        Path data = dir.resolve("ls.jsonl");
        Files.writeString(data, lines);
        DMatrixRMaj solution = new DMatrixRMaj(4, 1);
        assertThat(CommonOps_DDRM.solve(a, b, solution)).isTrue();
        Path gd = spec(dir, "gd", "{\"task\":\"regression\",\"features\":3,\"standardize\":false,"
                + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.2},\"update\":{\"mode\":\"batch\"}}");
        JsonNode run = run(dir.resolve("gd"), "--input", data.toString(), "--spec", gd.toString(), "--epochs", "2000")
                .get(0);
        JsonNode model = run.get("model");
        assertThat(model.get("updates").asLong()).isEqualTo(2000);
        for (int j = 0; j < 3; j++) {
            assertThat(model.get("weights").get(j).asDouble()).as("w" + j).isCloseTo(solution.get(j, 0), within(1e-9));
        }
        assertThat(model.get("intercept").asDouble()).isCloseTo(solution.get(3, 0), within(1e-9));
        List<String> trace = Files.readAllLines(dir.resolve("gd/trace-gd.jsonl"));
        assertThat(trace).hasSize(2000);
        JsonNode first = Json.MAPPER.readTree(trace.get(0));
        JsonNode last = Json.MAPPER.readTree(trace.get(1999));
        assertThat(last.get("epoch").asInt()).isEqualTo(2000);
        assertThat(last.get("loss").asDouble()).isLessThan(first.get("loss").asDouble());
    }

    @Test
    void theHoldoutScoresEveryModeOnTheSameRows(@TempDir Path dir) throws Exception {
        String data = Reference.folder().resolve("data/regression.jsonl").toString();
        List<String> args = new ArrayList<>(List.of("--input", data, "--epochs", "5", "--holdout", "0.25",
                "--shuffle-seed", "7"));
        for (String[] m : new String[][] {{"online", ""}, {"mini", ",\"update\":{\"mode\":\"minibatch\",\"batchSize\":8}"},
            {"full", ",\"update\":{\"mode\":\"batch\"}"}}) {
            args.add("--spec");
            args.add(spec(dir, m[0], String.format(Locale.ROOT, SGD, m[1])).toString());
        }
        List<String> one = new ArrayList<>(args);
        one.addAll(List.of("--threads", "1"));
        JsonNode runs = run(dir.resolve("one"), one.toArray(new String[0]));
        List<String> two = new ArrayList<>(args);
        two.addAll(List.of("--threads", "2"));
        assertThat(run(dir.resolve("two"), two.toArray(new String[0]))).isEqualTo(runs);
        List<String> lines = Files.readAllLines(Path.of(data)).stream().filter(l -> !l.isBlank()).toList();
        assertThat(runs).hasSize(3);
        for (JsonNode r : runs) {
            JsonNode h = r.get("holdout");
            assertThat(h.get("rows").asInt()).isEqualTo(100);
            assertThat(h.get("from").asText()).isEqualTo("regression.jsonl:301");
            ModelState model = JsonStateCodec.fromJson(r.get("model"));
            double sum = 0;
            for (String line : lines.subList(300, 400)) {
                JsonNode e = Json.MAPPER.readTree(line);
                double[] x = Json.MAPPER.treeToValue(e.get("features"), double[].class);
                double err = model.learner().predict(x).value() - e.get("label").asDouble();
                sum += err * err;
            }
            assertThat(h.get("mse").asDouble()).as(r.get("name").asText()).isCloseTo(sum / 100, within(1e-12));
            assertThat(r.get("model").get("seen").asLong()).isEqualTo(5 * 300);
        }
        assertThat(runs.get(2).get("model").get("updates").asLong()).isEqualTo(5);
        assertThat(Files.readAllLines(dir.resolve("one/trace-mini.jsonl"))).hasSize(5);
        assertThat(Files.readString(dir.resolve("one/summary.csv"))).contains("holdout.mse");
    }
    @Test
    void aShuffleSeedShufflesEveryPassReproducibly(@TempDir Path dir) throws Exception {
        Path data = Reference.folder().resolve("data/regression.jsonl");
        List<String> lines = Files.readAllLines(data).stream().filter(l -> !l.isBlank()).toList();
        Path mb1 = spec(dir, "mb1", String.format(Locale.ROOT, SGD, ",\"update\":{\"mode\":\"minibatch\",\"batchSize\":1}"));
        BacktestCommandTest.Run r = BacktestCommandTest.cli("backtest", "--out", dir.resolve("shuffled").toString(),
                "--input", data.toString(), "--epochs", "2", "--shuffle-seed", "11", "--spec", mb1.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("400 events in").contains("runs trained: 1/1");
        JsonNode shuffled = Json.MAPPER.readTree(dir.resolve("shuffled/summary.json").toFile()).get("runs").get(0)
                .get("model");
        // the documented order: each pass permutes the previous pass's order, Fisher–Yates with new Random(seed + epoch)
        int[] order = new int[lines.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        List<String> passes = new ArrayList<>();
        for (int epoch = 1; epoch <= 2; epoch++) {
            Random rnd = new Random(11 + epoch);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i : order) {
                passes.add(lines.get(i));
            }
        }
        Path file = dir.resolve("passes.jsonl");
        Files.write(file, passes);
        JsonNode online = run(dir.resolve("online"), "--input", file.toString(), "--spec", mb1.toString()).get(0)
                .get("model");
        for (String f : List.of("seen", "updates", "weights", "intercept", "optimizer", "scaler")) {
            assertThat(shuffled.get(f)).as(f).isEqualTo(online.get(f));
        }
        JsonNode inOrder = run(dir.resolve("in-order"), "--input", data.toString(), "--epochs", "2", "--spec",
                mb1.toString()).get(0).get("model");
        assertThat(shuffled.get("weights")).isNotEqualTo(inOrder.get("weights"));
    }

}
