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

/**
 * {@code streamlearn backtest} with drift detection and challengers on the reference drift stream: the summary
 * lists each run's {@code modelEvents}, a run without either has none, the trace carries every candidate's
 * window loss, and the report marks the drifts and plots every candidate.
 */
class BacktestDriftTest {

    @Test
    void theSummaryListsModelEventsAndTheReportMarksDrifts(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("plain.json");
        Files.writeString(plain, "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"sgd\","
                + "\"learningRate\":0.001},\"metrics\":{\"window\":50,\"ewmaAlpha\":0.05}}");
        Path candidates = dir.resolve("candidates.json");
        Files.writeString(candidates, "{\"task\":\"regression\",\"features\":3,\"optimizer\":{\"type\":\"sgd\","
                + "\"learningRate\":0.001},\"metrics\":{\"window\":50,\"ewmaAlpha\":0.05},"
                + "\"drift\":{\"detector\":\"page_hinkley\",\"signal\":\"loss\"},"
                + "\"challengers\":[{\"name\":\"adam\",\"spec\":{\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.1}}}],"
                + "\"promotion\":{\"minEvents\":100,\"margin\":0.02,\"checkEvery\":50}}");
        BacktestCommandTest.Run r = BacktestCommandTest.cli("backtest", "--input",
                Reference.folder().resolve("data/drift.jsonl").toString(), "--spec", plain.toString(), "--spec",
                candidates.toString(), "--trace-every", "50", "--out", dir.resolve("o").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode runs = Json.MAPPER.readTree(dir.resolve("o/summary.json").toFile()).get("runs");
        assertThat(runs.get(0).has("modelEvents")).isFalse();
        JsonNode events = runs.get(1).get("modelEvents");
        assertThat(events.findValuesAsText("type")).contains("drift", "promotion");
        JsonNode promotion = null;
        for (JsonNode e : events) {
            if (promotion == null && e.get("type").asText().equals("promotion")) {
                promotion = e;
            }
        }
        assertThat(promotion).isNotNull();
        assertThat(promotion.get("champion").asText()).isEqualTo("adam");
        assertThat(runs.get(1).get("model").get("champion").asText()).isEqualTo("adam");
        assertThat(runs.get(1).get("metrics").get("mse").asDouble())
                .isNotEqualTo(runs.get(1).get("model").get("metrics").get("sumSquaredError").asDouble() / 600);
        String trace = Files.readString(dir.resolve("o/trace-candidates.jsonl"));
        assertThat(trace).contains("\"candidates\":{\"main\":").contains("\"adam\":");
        String report = Files.readString(dir.resolve("o/report.html"));
        assertThat(report).contains("class=\"drift\"").contains("candidates / main").contains("candidates / adam")
                .contains("dashed lines: drifts detected");
    }
}
