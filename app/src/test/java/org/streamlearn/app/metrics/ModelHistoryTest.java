package org.streamlearn.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's history: a point per published metrics record with each candidate's window loss, thinned
 * evenly when full so that it still spans the whole run, the latest record always last; the last drift and
 * promotion records; bounded in models; an unreadable record ignored.
 */
class ModelHistoryTest {

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] plain(long seen, double window) {
        return bytes("{\"model\":\"m\",\"seen\":" + seen + ",\"loss\":{\"mean\":1,\"ewma\":1,\"window\":" + window
                + "},\"atMs\":" + (1000 + seen) + ",\"feedback\":{\"pending\":" + seen + "}}");
    }

    private static List<Long> seen(JsonNode h) {
        List<Long> out = new ArrayList<>();
        h.path("points").forEach(p -> out.add(p.path("seen").asLong()));
        return out;
    }

    @Test
    void aModelWithoutChallengersIsItsOneCandidateMain() {
        ModelHistory h = new ModelHistory();
        h.metrics("m", plain(10, 0.5));
        h.metrics("m", bytes("{\"seen\":20,\"loss\":{\"window\":null},\"atMs\":5}"));
        JsonNode j = h.toJson("m");
        assertThat(j.path("candidates").toString()).isEqualTo("[\"main\"]");
        assertThat(j.path("points").toString()).isEqualTo("[{\"seen\":10,\"atMs\":1010,\"champion\":\"main\","
                + "\"loss\":[0.5]},{\"seen\":20,\"atMs\":5,\"champion\":\"main\",\"loss\":[null]}]");
        assertThat(j.path("latest").path("seen").asLong()).isEqualTo(20);
    }

    @Test
    void candidatesKeepTheirSeriesAcrossAPromotionAndANewChallenger() {
        ModelHistory h = new ModelHistory();
        h.metrics("m", bytes("{\"seen\":1,\"champion\":\"main\",\"candidates\":[{\"name\":\"main\",\"loss\":"
                + "{\"window\":3}},{\"name\":\"adam\",\"loss\":{\"window\":2}}]}"));
        h.metrics("m", bytes("{\"seen\":2,\"champion\":\"adam\",\"candidates\":[{\"name\":\"adam\",\"loss\":"
                + "{\"window\":1}},{\"name\":\"main\",\"loss\":{\"window\":4}},{\"name\":\"new\",\"loss\":"
                + "{\"window\":5}}]}"));
        JsonNode j = h.toJson("m");
        assertThat(j.path("candidates").toString()).isEqualTo("[\"main\",\"adam\",\"new\"]");
        assertThat(j.path("points").get(0).path("loss").toString()).isEqualTo("[3.0,2.0,null]");
        assertThat(j.path("points").get(1).path("loss").toString()).isEqualTo("[4.0,1.0,5.0]");
        assertThat(j.path("points").get(1).path("champion").asText()).isEqualTo("adam");
    }

    @Test
    void whenFullEverySecondPointGoesAndTheStrideDoublesSoThePointsSpanTheWholeRun() {
        ModelHistory h = new ModelHistory();
        int n = ModelHistory.POINTS * 3 + 7;
        for (int i = 1; i <= n; i++) {
            h.metrics("m", plain(i, i));
        }
        JsonNode j = h.toJson("m");
        List<Long> seen = seen(j);
        assertThat(j.path("stride").asLong()).isEqualTo(4);
        assertThat(seen.size()).isLessThanOrEqualTo(ModelHistory.POINTS + 1);
        assertThat(seen.get(0)).isEqualTo(1);
        assertThat(seen.get(seen.size() - 1)).as("the latest record is the last point").isEqualTo(n);
        for (int i = 1; i < seen.size() - 1; i++) {
            assertThat(seen.get(i) - seen.get(i - 1)).as("even spacing at " + i).isBetween(1L, 4L);
        }
        assertThat(seen.get(seen.size() - 2)).isGreaterThan(n - 8L);
        assertThat(j.path("latest").path("feedback").path("pending").asLong()).isEqualTo(n);
        for (JsonNode p : j.path("points")) {
            assertThat(p.path("loss").get(0).asDouble()).isEqualTo(p.path("seen").asDouble());
        }
    }

    @Test
    void aModelThatStartsAgainStartsItsHistoryAgain() {
        ModelHistory h = new ModelHistory();
        h.metrics("m", plain(10, 1));
        h.event("m", bytes("{\"type\":\"drift\",\"seen\":7}"));
        h.metrics("m", plain(20, 1));
        h.metrics("m", plain(5, 2));
        JsonNode j = h.toJson("m");
        assertThat(seen(j)).containsExactly(5L);
        assertThat(j.path("events")).isEmpty();
    }

    @Test
    void keepsTheLastEventsAndCountsTheOthers() {
        ModelHistory h = new ModelHistory();
        for (int i = 0; i < ModelHistory.EVENTS + 5; i++) {
            h.event("m", bytes("{\"type\":\"drift\",\"seen\":" + i + "}"));
        }
        JsonNode j = h.toJson("m");
        assertThat(j.path("events")).hasSize(ModelHistory.EVENTS);
        assertThat(j.path("events").get(0).path("seen").asLong()).isEqualTo(5);
        assertThat(j.path("eventsDropped").asLong()).isEqualTo(5);
        assertThat(j.path("points")).isEmpty();
    }

    @Test
    void unreadableRecordsAreIgnoredAndTheModelsAreBounded() {
        ModelHistory h = new ModelHistory();
        h.metrics("m", bytes("not json"));
        h.metrics("m", bytes("[1]"));
        h.metrics("m", bytes("{\"loss\":{}}"));
        h.event("m", null);
        h.metrics(null, plain(1, 1));
        assertThat(h.toJson("m").path("points")).isEmpty();
        assertThat(h.toJson("m").path("latest").isNull()).isTrue();
        for (int i = 0; i <= ModelHistory.MAX_MODELS; i++) {
            h.metrics("m" + i, plain(1, 1));
        }
        assertThat(h.toJson("m0").path("points")).as("the least recently published model is dropped").isEmpty();
        assertThat(h.toJson("m1").path("points")).hasSize(1);
        assertThat(h.toJson("m" + ModelHistory.MAX_MODELS).path("points")).hasSize(1);
    }
}
