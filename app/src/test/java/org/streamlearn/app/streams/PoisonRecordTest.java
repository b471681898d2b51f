package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.streamlearn.app.streams.TopologyHarness.drain;
import static org.streamlearn.app.streams.TopologyHarness.last;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.store.spec.ModelSpec;

/**
 * No record stalls the topology: a poison spec, an oversized spec and an unexpected exception each become one
 * dead letter, and a model on the same partition keeps learning.
 */
class PoisonRecordTest {

    private static void learnOk(TopologyHarness h, int from, int to) {
        for (int i = from; i < to; i++) {
            h.event("ok", TopologyTest.event(i));
        }
    }

    private static long seen(TopologyHarness h) {
        h.command("ok", "{\"command\":\"publish\"}");
        return last(drain(h.parameters), "ok").get("seen").asLong();
    }

    @Test
    void poisonSpecsAreDeadLettersNamingTheFieldAndOtherModelsKeepLearning(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            learnOk(h, 0, 5);
            h.command("poison", "{\"command\":\"upsert\",\"spec\":{\"task\":\"multiclass\",\"features\":100000,"
                    + "\"classes\":1000000}}");
            h.command("poison2", "{\"command\":\"upsert\",\"spec\":{\"task\":\"multiclass\",\"hashBits\":24,"
                    + "\"classes\":10000}}");
            h.command("big", "{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":60000,"
                    + "\"optimizer\":{\"type\":\"adam\"},\"update\":{\"mode\":\"minibatch\"}}}");
            learnOk(h, 5, 10);
            List<TestRecord<String, JsonNode>> dl = drain(h.deadLetter);
            assertThat(dl).extracting(TestRecord::key).containsExactly("poison", "poison2", "big");
            assertThat(dl.get(0).value().get("field").asText()).isEqualTo("spec.classes");
            assertThat(dl.get(0).value().get("reason").asText()).contains("must be <= 10000, got 1000000");
            assertThat(dl.get(1).value().get("field").asText()).isEqualTo("spec.hashBits");
            assertThat(dl.get(1).value().get("reason").asText()).contains("167772170000 parameters");
            assertThat(dl.get(2).value().get("field").asText()).isEqualTo("spec.features");
            assertThat(dl.get(2).value().get("reason").asText()).contains("model.max.message.bytes");
            assertThat(seen(h)).isEqualTo(10);
        }
    }

    @Test
    void aFortyThousandFeatureDenseModelLearnsAndPublishesBesideTheOthers(@TempDir Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.command("wide", "{\"command\":\"upsert\",\"spec\":{\"task\":\"regression\",\"features\":40000,"
                    + "\"publishEvery\":1}}");
            StringBuilder x = new StringBuilder("{\"features\":[");
            for (int j = 0; j < 40000; j++) {
                x.append(j == 0 ? "" : ",").append(j % 7);
            }
            h.event("wide", x.append("],\"label\":3}").toString());
            learnOk(h, 0, 3);
            assertThat(drain(h.deadLetter)).isEmpty();
            JsonNode wide = last(drain(h.parameters), "wide");
            assertThat(wide.get("seen").asLong()).isEqualTo(1);
            assertThat(wide.get("weights").size()).isEqualTo(40000);
            assertThat(seen(h)).isEqualTo(3);
        }
    }

    @Test
    void anUnexpectedExceptionBecomesADeadLetterAndProcessingGoesOn(@TempDir Path dir) {
        Map<String, ModelSpec> seeds = new HashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public ModelSpec get(Object key) {
                if ("boom".equals(key)) {
                    throw new IllegalStateException("a fault no rule foresaw");
                }
                return super.get(key);
            }
        };
        try (TopologyHarness h = new TopologyHarness(dir, seeds, 1000, 0)) {
            learnOk(h, 0, 2);
            h.event("boom", TopologyTest.event(0));
            learnOk(h, 2, 4);
            List<TestRecord<String, JsonNode>> dl = drain(h.deadLetter);
            assertThat(dl).hasSize(1);
            assertThat(dl.get(0).key()).isEqualTo("boom");
            assertThat(dl.get(0).value().get("field").asText()).isEqualTo("record");
            assertThat(dl.get(0).value().get("reason").asText())
                    .isEqualTo("internal error while processing the record: IllegalStateException: a fault no rule "
                            + "foresaw");
            assertThat(dl.get(0).value().get("source").get("topic").asText()).isEqualTo("training-events");
            assertThat(seen(h)).isEqualTo(4);
        }
    }
}
