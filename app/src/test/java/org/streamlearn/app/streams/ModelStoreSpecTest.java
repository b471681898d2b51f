package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;
import org.streamlearn.store.state.SpecApart;

/**
 * The model store keeps each model's spec apart from its state: written with a new or changed spec only, its old
 * entry removed after the state that replaced it, and every reader of the store still gets whole models.
 */
class ModelStoreSpecTest {

    private static final ModelSpec SPEC = ModelSpecs.parse("{\"task\":\"regression\",\"features\":3,"
            + "\"update\":{\"mode\":\"minibatch\",\"batchSize\":8,\"maxDelayMs\":0}}");
    private static final ModelSpec OTHER = ModelSpecs.parse("{\"task\":\"regression\",\"features\":3,"
            + "\"update\":{\"mode\":\"minibatch\",\"batchSize\":8,\"maxDelayMs\":0},\"l2\":0.5}");

    private final KeyValueStore<String, byte[]> inner = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("models"), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();

    ModelStoreSpecTest() {
        inner.init(new MockProcessorContext<>().getStateStoreContext(), inner);
    }

    private static void learn(ModelState m, int events) {
        for (int i = 0; i < events; i++) {
            m.learner().learn(new double[] {i, 1, -i}, i % 5);
            m.touch(1_000 + i);
            m.setBatchStartedAtMs(m.learned().batchCount() > 0 ? 1_000 : 0);
        }
    }

    private Map<String, byte[]> entries() {
        Map<String, byte[]> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> it = inner.all()) {
            it.forEachRemaining(kv -> all.put(kv.key, kv.value));
        }
        return all;
    }

    /** A model of {@code spec} that learned {@code events} events, saved and written to {@code store}. */
    private static ModelState saved(ModelStore store, ModelSpec spec, int events) {
        ModelState m = ModelState.create("m", spec, 0);
        learn(m, events);
        store.save(m);
        store.flushCache();
        return m;
    }

    private List<String> specKeys() {
        return new ArrayList<>(entries().keySet().stream().filter(ModelStore::isSpecKey).toList());
    }

    @Test
    void theSpecIsWrittenOnceBesideItsStateAndReplacedWhenItChanges() {
        ModelStore store = new ModelStore(inner, 100);
        ModelState m = saved(store, SPEC, 3);
        String key = ModelStore.specKey("m", m.specHash());
        assertThat(specKeys()).containsExactly(key);
        byte[] spec = inner.get(key);
        assertThat(spec).isEqualTo(m.specJsonBytes());
        assertThat(SpecApart.isApart(inner.get("m"))).isTrue();

        learn(m, 2);
        store.markDirty(store.model("m"));
        store.flushCache();
        assertThat(inner.get(key)).as("not written again").isSameAs(spec);
        assertThat(BinaryStateCodec.decode(store.selfContained("m", store.storedBytes("m")))).isEqualTo(m);

        ModelState changed = saved(store, OTHER, 4);
        assertThat(specKeys()).containsExactly(ModelStore.specKey("m", changed.specHash()));
        assertThat(BinaryStateCodec.decode(store.selfContained("m", store.storedBytes("m")))).isEqualTo(changed);

        store.remove("m");
        assertThat(entries()).isEmpty();
    }

    @Test
    void readersGetWholeModelsAndTheOpenBatchScanSkipsTheSpecs() {
        ModelStore store = new ModelStore(inner, 100);
        for (String id : new String[] {"a", "b", "c"}) {
            ModelState m = ModelState.create(id, SPEC, 0);
            learn(m, id.equals("b") ? 8 : 3); // b's batch is closed, a's and c's are open
            store.save(m);
        }
        store.flushCache();
        store.clearCache(); // as after a restore: every model is read from the store again
        assertThat(store.openBatches()).containsExactlyInAnyOrder("a", "c");
        Map<String, byte[]> all = new LinkedHashMap<>();
        store.forEachStored(all::put);
        assertThat(all).containsOnlyKeys("a", "b", "c");
        all.forEach((id, bytes) -> assertThat(BinaryStateCodec.decode(bytes).learned())
                .isEqualTo(store.model(id).state().learned()));
        assertThat(store.storedBytes(ModelStore.specKey("a", store.model("a").state().specHash()))).isNull();
        assertThat(store.model("b").state().learned().seen()).isEqualTo(8);
    }

    @Test
    void aSelfContainedSnapshotOfAnEarlierVersionIsReadAndRewrittenWithItsSpecApart() {
        ModelState old = ModelState.create("m", SPEC, 0);
        learn(old, 5);
        inner.put("m", BinaryStateCodec.encode(old));
        ModelStore store = new ModelStore(inner, 100);
        assertThat(store.selfContained("m", store.storedBytes("m"))).isEqualTo(BinaryStateCodec.encode(old));
        LiveModel m = store.model("m");
        assertThat(m.state()).isEqualTo(old);
        learn(m.state(), 1);
        store.markDirty(m);
        store.flushCache();
        assertThat(specKeys()).containsExactly(ModelStore.specKey("m", old.specHash()));
        assertThat(SpecApart.isApart(inner.get("m"))).isTrue();
        store.remove("m");
        assertThat(entries()).isEmpty();
    }

    @Test
    void aReaderThatRacedASpecChangeGetsTheModelAsStoredNow() {
        ModelStore store = new ModelStore(inner, 100);
        saved(store, SPEC, 2);
        byte[] before = store.storedBytes("m");
        ModelState changed = saved(store, OTHER, 3);
        // the state read before the change names a spec that is gone: the reader gets the model as it is now
        assertThat(BinaryStateCodec.decode(store.selfContained("m", before))).isEqualTo(changed);
        store.remove("m");
        assertThat(store.selfContained("m", before)).isNull();
    }

    @Test
    void everyPrefixOfTheChangelogRestoresWholeModels(@TempDir Path dir) {
        // what a restore from the changelog sees after a crash at any record: the states and specs written so far
        ModelSpec first = ModelSpecs.parse(TopologyTest.MINIBATCH);
        ModelSpec second = ModelSpecs.parse(TopologyTest.MINIBATCH.replace("\"publishEvery\":1", "\"l2\":0.1"));
        List<TestRecord<String, byte[]>> changelog;
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("m", ModelSpecs.toJson(first));
            h.upsert("n", ModelSpecs.toJson(first));
            for (int i = 0; i < 5; i++) {
                h.event("m", TopologyTest.event(i));
                h.event("n", TopologyTest.event(i));
            }
            h.upsert("m", ModelSpecs.toJson(second)); // a changed spec: a new spec entry, the old one tombstoned
            h.event("m", TopologyTest.event(5));
            h.command("n", "{\"command\":\"delete\"}");
            h.upsert("n", ModelSpecs.toJson(second)); // created again, with another spec
            h.event("n", TopologyTest.event(6));
            changelog = h.driver.createOutputTopic("topology-test-models-changelog", new StringDeserializer(),
                    new ByteArrayDeserializer()).readRecordsToList();
        }
        assertThat(changelog.stream().filter(r -> ModelStore.isSpecKey(r.key()) && r.value() == null)).hasSize(2);
        Map<String, byte[]> restored = new HashMap<>();
        for (TestRecord<String, byte[]> r : changelog) {
            if (r.value() == null) {
                restored.remove(r.key());
            } else {
                restored.put(r.key(), r.value());
            }
            restored.forEach((key, value) -> {
                if (!ModelStore.isSpecKey(key)) {
                    byte[] spec = SpecApart.isApart(value)
                            ? restored.get(ModelStore.specKey(key, SpecApart.specHash(value))) : null;
                    assertThat(BinaryStateCodec.decode(SpecApart.join(value, spec)).modelId()).isEqualTo(key);
                }
            });
        }
        assertThat(restored.keySet().stream().filter(k -> !ModelStore.isSpecKey(k))).containsExactlyInAnyOrder("m",
                "n");
        assertThat(restored.keySet().stream().filter(ModelStore::isSpecKey)).hasSize(2);
        ModelState m = BinaryStateCodec.decode(SpecApart.join(restored.get("m"),
                restored.get(ModelStore.specKey("m", SpecApart.specHash(restored.get("m"))))));
        assertThat(m.spec()).isEqualTo(second);
        assertThat(m.learned().seen()).isEqualTo(6);
    }
}
