package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;

/** What the lifecycle tests share: the live models over a map, the settings, entries copied out as JSON. */
abstract class LifecycleFixture {

    static final String REG = "{\"task\":\"regression\",\"features\":2}";
    static final String MINIBATCH = "{\"task\":\"regression\",\"features\":2,\"optimizer\":{\"type\":\"adam\","
            + "\"learningRate\":0.05},\"update\":{\"mode\":\"minibatch\",\"batchSize\":10,\"maxDelayMs\":1000},"
            + "\"publishEvery\":1}";

    /** The live models over a map, with the store's bookkeeping (open batches noted on markDirty). */
    final MapLiveModels models = new MapLiveModels();

    ModelLifecycle lifecycle(Map<String, ModelSpec> seeds, long metricsEvery) {
        TopologyFactory.Settings s = new TopologyFactory.Settings(Topics.DEFAULT, TopologyFactory.STORE,
                ConfigLoader.specTemplate(ConfigLoader.DEFAULT_SPEC, "default.spec"), seeds, metricsEvery, 0, 100,
                10_000);
        return new ModelLifecycle(s, models);
    }

    /** One emitted entry, copied out of the reusable holder. */
    record Entry(Emissions.Kind kind, String key, JsonNode value, String field, String reason) {
    }

    static List<Entry> entries(Emissions out) {
        List<Entry> list = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            list.add(new Entry(out.kind(i), out.key(i), json(out.value(i)), out.field(i), out.reason(i)));
        }
        return list;
    }

    static JsonNode json(byte[] b) {
        try {
            return b == null ? null : Json.MAPPER.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelCommand command(String json) {
        return ModelCommand.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static ModelCommand upsert(String spec) {
        return command("{\"command\":\"upsert\",\"spec\":" + spec + "}");
    }

    static List<Entry> learnAll(ModelLifecycle l, String id, List<String> lines, long t0) {
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            all.addAll(entries(l.onEvent(id, EventParser.parseTraining(lines.get(i)), t0 + i)));
        }
        return all;
    }

    static List<String> events(int from, int to) {
        return IntStream.range(from, to).mapToObj(TopologyTest::event).toList();
    }
}
