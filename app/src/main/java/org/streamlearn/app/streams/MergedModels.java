package org.streamlearn.app.streams;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.streamlearn.store.state.BinaryStateCodec;

/**
 * The models that answer prediction requests for replicated models (DESIGN.md "Replicas"): the latest merged
 * model, which the merge step writes to {@code replica-merged} and the global
 * {@value ReplicaRecords#MERGED_STORE} store holds on every instance, else (before the first merge) the model
 * as training keeps it. A merged model is decoded once per stored state. A merged model of another spec (left
 * by a model deleted and created again, until the merge step has seen the delete) is not used.
 *
 * <p>Not thread-safe: one per processor.
 */
final class MergedModels {

    private final Function<String, byte[]> lookup;
    private final Map<String, Entry> decoded = new HashMap<>();

    private record Entry(byte[] stored, LiveModel model) {
    }

    /** @param lookup a merged model's stored bytes by model id (null: none) */
    MergedModels(Function<String, byte[]> lookup) {
        this.lookup = lookup;
    }

    /** No merged models: every model is served as training keeps it. */
    static MergedModels none() {
        return new MergedModels(id -> null);
    }

    /** The model that serves {@code m}: the merged one when {@code m} has replicas and a merge exists, else m. */
    LiveModel served(LiveModel m) {
        if (m == null || m.state().spec().replicas() == null) {
            return m;
        }
        String id = m.state().modelId();
        byte[] stored = lookup.apply(id);
        if (stored == null) {
            decoded.remove(id);
            return m;
        }
        Entry e = decoded.get(id);
        if (e == null || !Arrays.equals(e.stored(), stored)) {
            e = new Entry(stored, new LiveModel(BinaryStateCodec.decode(stored)));
            decoded.put(id, e);
        }
        return e.model().state().spec().equals(m.state().spec()) ? e.model() : m;
    }
}
