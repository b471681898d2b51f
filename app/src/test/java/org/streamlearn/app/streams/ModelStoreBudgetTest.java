package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.StateSizes;
import org.streamlearn.store.state.ModelState;

/**
 * The model cache's heap budget: past it the least recently used models are written back and evicted, however
 * many {@code cache.max.models} allows, and every model stays readable with what it learned.
 */
class ModelStoreBudgetTest {

    private static final ModelSpec SPEC = ModelSpecs.parse("{\"task\":\"regression\",\"features\":20,"
            + "\"optimizer\":{\"type\":\"adam\"}}");

    private static KeyValueStore<String, byte[]> inner() {
        KeyValueStore<String, byte[]> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("models"),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        s.init(new MockProcessorContext<>().getStateStoreContext(), s);
        return s;
    }

    private static ModelState learned(String id, int events) {
        ModelState m = ModelState.create(id, SPEC, 0);
        double[] x = new double[20];
        for (int i = 0; i < events; i++) {
            x[i % 20] = i;
            m.learner().learn(x.clone(), i % 7);
        }
        return m;
    }

    @Test
    void theEstimateOfADimension20AdamModelIsNearWhatWasMeasured() {
        // figure 2 measured 11.5–12.3 KB of heap per model at d = 20 with Adam
        assertThat(StateSizes.estimatedHeapBytes(SPEC)).isBetween(8_000L, 16_000L);
        ModelSpec wide = ModelSpecs.parse("{\"task\":\"regression\",\"features\":10000,\"optimizer\":"
                + "{\"type\":\"adam\"}}");
        assertThat(StateSizes.estimatedHeapBytes(wide)).isGreaterThan(3L * 8 * 10_000);
    }

    @Test
    void pastTheHeapBudgetModelsAreWrittenBackAndEvictedAndStayReadable() {
        long weight = StateSizes.estimatedHeapBytes(SPEC);
        long before = ModelStore.cachedBytesOfAllStores();
        ModelStore store = new ModelStore(inner(), 1000, before + 40 * weight);
        for (int i = 0; i < 100; i++) {
            store.save(learned("m" + i, 5 + i));
        }
        assertThat(store.live.size()).as("the budget, not the count, bounds the cache")
                .isBetween(ModelStore.MIN_KEPT, 40);
        assertThat(ModelStore.cachedBytesOfAllStores() - before).isEqualTo(store.live.size() * weight);
        for (int i = 0; i < 100; i++) {
            assertThat(store.model("m" + i).state()).as("m" + i).isEqualTo(learned("m" + i, 5 + i));
        }
        store.flushCache();
        store.close();
        assertThat(ModelStore.cachedBytesOfAllStores()).isEqualTo(before);
    }

    @Test
    void underTheBudgetTheCountBoundsTheCache() {
        ModelStore store = new ModelStore(inner(), 30, Long.MAX_VALUE / 2);
        for (int i = 0; i < 100; i++) {
            store.save(learned("m" + i, 3));
        }
        assertThat(store.live.size()).isEqualTo(30);
        assertThat(store.live.values()).allMatch(m -> !m.evicted);
        LiveModel kept = store.live.values().iterator().next();
        store.save(learned("n", 3));
        assertThat(kept.evicted).as("the least recently used left the cache, marked").isTrue();
        store.remove("m99");
        assertThat(store.live.size()).isEqualTo(29);
        assertThat(store.model("m99")).isNull();
        store.close();
    }
}
