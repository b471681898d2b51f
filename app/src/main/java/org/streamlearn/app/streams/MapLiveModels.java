package org.streamlearn.app.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.streamlearn.store.state.ModelState;

/**
 * Live models in a map, with the bookkeeping every {@link LiveModels} keeps: a saved or changed model is dirty,
 * and one with an open mini-batch is noted in {@link #openBatches()} until the batch timer takes it out. Nothing
 * stands behind the map: the lifecycle's unit tests use it as it is, and {@link ModelStore} extends it with the
 * changelogged store (decoding on a miss, eviction, tombstones, the scan for open batches after a restore).
 */
class MapLiveModels implements LiveModels {

    /** The live models by id, in insertion order, or least recently used first with {@code accessOrder}. */
    final LinkedHashMap<String, LiveModel> live;
    final Set<String> openBatches = new LinkedHashSet<>();
    /**
     * The models that became dirty since the list was last cleared, each once: what the write-behind must write
     * before a commit, so that it visits those, not every cached model (10,000 per task then, at every
     * commit: half of a stream thread's time with 100,000 models, docs/benchmarks.md). An entry may have been
     * written (evicted) or removed since; its {@code dirty} flag says whether it still needs writing.
     */
    final List<LiveModel> dirtyModels = new ArrayList<>();

    MapLiveModels() {
        this(false);
    }

    MapLiveModels(boolean accessOrder) {
        this.live = new LinkedHashMap<>(64, 0.75f, accessOrder);
    }

    @Override
    public LiveModel model(String id) {
        return live.get(id);
    }

    /** Caches a new or replaced model as dirty. */
    @Override
    public LiveModel save(ModelState state) {
        LiveModel m = live.get(state.modelId());
        if (m == null) {
            m = new LiveModel(state);
            live.put(state.modelId(), m);
        } else {
            m.replace(state);
        }
        markDirty(m);
        return m;
    }

    /** Records that a live model changed; noted in {@link #openBatches()} when it has an open mini-batch. */
    @Override
    public void markDirty(LiveModel m) {
        if (!m.dirty) {
            m.dirty = true;
            dirtyModels.add(m);
        }
        if (m.state().batchStartedAtMs() > 0) {
            openBatches.add(m.state().modelId());
        }
    }

    @Override
    public void remove(String id) {
        LiveModel m = live.remove(id);
        if (m != null) {
            m.dirty = false; // never written back by the write-behind
            m.evicted = true;
        }
        openBatches.remove(id);
    }

    /** Empties the cache, marking each model {@link LiveModel#evicted}. */
    void dropAll() {
        for (LiveModel m : live.values()) {
            m.evicted = true;
        }
        live.clear();
    }

    @Override
    public Set<String> openBatches() {
        return openBatches;
    }
}
