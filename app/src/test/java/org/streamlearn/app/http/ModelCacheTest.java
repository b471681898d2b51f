package org.streamlearn.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;

/** The decoded-model cache: an entry answers only for the exact stored state it came from; its size is bounded. */
class ModelCacheTest {

    private static byte[] stored(String id, int features, String optimizer, long atMs) {
        return BinaryStateCodec.encode(ModelState.create(id, ModelSpecs.parse("{\"task\":\"regression\",\"features\":"
                + features + ",\"optimizer\":{\"type\":\"" + optimizer + "\",\"learningRate\":0.05}}"), atMs));
    }

    @Test
    void putGetDeletePutGetNeverAnswersWithTheDeletedModel() {
        ModelCache cache = new ModelCache(8);
        byte[] a = stored("m", 2, "sgd", 1_000);
        byte[] b = stored("m", 3, "adam", 1_000); // same id, same version (0), same time: only the content differs
        assertThat(BinaryStateCodec.peekVersion(a)).isEqualTo(BinaryStateCodec.peekVersion(b));

        ModelCache.Decoded first = cache.get("m", a);
        assertThat(first.state().spec().features()).isEqualTo(2);
        assertThat(cache.get("m", a.clone())).as("the same stored state: a hit").isSameAs(first);
        assertThat(cache.get("m", null)).as("deleted").isNull();
        assertThat(cache.size()).isZero();
        ModelCache.Decoded second = cache.get("m", b);
        assertThat(second).isNotSameAs(first);
        assertThat(second.state().spec().features()).isEqualTo(3);
        assertThat(second.state().spec().optimizer().type()).isEqualTo("adam");
        assertThat(cache.get("m", b)).isSameAs(second);
    }

    @Test
    void aNewerStoredStateReplacesTheEntryWithoutADelete() {
        ModelCache cache = new ModelCache(8);
        ModelCache.Decoded a = cache.get("m", stored("m", 2, "sgd", 1_000));
        ModelCache.Decoded b = cache.get("m", stored("m", 4, "sgd", 1_000));
        assertThat(b).isNotSameAs(a);
        assertThat(b.state().spec().features()).isEqualTo(4);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void keepsAtMostItsBoundLeastRecentlyUsedLeavingFirst() {
        ModelCache cache = new ModelCache(2);
        byte[] m1 = stored("m1", 2, "sgd", 1);
        ModelCache.Decoded first = cache.get("m1", m1);
        cache.get("m2", stored("m2", 2, "sgd", 1));
        assertThat(cache.get("m1", m1)).isSameAs(first); // m1 used last: m2 is the eldest now
        cache.get("m3", stored("m3", 2, "sgd", 1));
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("m1", m1)).as("kept").isSameAs(first);
    }
}
