package org.streamlearn.app.streams;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.internals.StateStoreProvider;

/**
 * The interactive-query type of the {@link ModelStore}: a read-only view of the stored snapshots (binary) on
 * this instance, as of each task's last commit, safe to use from any thread.
 */
public final class ModelStoreType implements QueryableStoreType<ModelStoreType.View> {

    /** Read access to the snapshots of the local tasks. */
    public interface View {
        /** The binary snapshot of a model, or null when no local task holds it. */
        byte[] get(String modelId);

        /** Every model of the local tasks: id → binary snapshot. */
        Map<String, byte[]> all();
    }

    /** The stores themselves, as the provider hands them out. */
    private static final QueryableStoreType<ModelStore> RAW = new QueryableStoreType<>() {
        @Override
        public boolean accepts(StateStore stateStore) {
            return stateStore instanceof ModelStore;
        }

        @Override
        public ModelStore create(StateStoreProvider provider, String storeName) {
            throw new UnsupportedOperationException("only used to list the local model stores");
        }
    };

    @Override
    public boolean accepts(StateStore stateStore) {
        return stateStore instanceof ModelStore;
    }

    @Override
    public View create(StateStoreProvider provider, String storeName) {
        return new View() {
            @Override
            public byte[] get(String id) {
                for (ModelStore s : provider.stores(storeName, RAW)) {
                    byte[] b = s.storedBytes(id);
                    if (b != null) {
                        return b;
                    }
                }
                return null;
            }

            @Override
            public Map<String, byte[]> all() {
                Map<String, byte[]> out = new TreeMap<>();
                for (ModelStore s : provider.stores(storeName, RAW)) {
                    try (var it = s.storedAll()) {
                        while (it.hasNext()) {
                            var kv = it.next();
                            out.put(kv.key, kv.value);
                        }
                    }
                }
                return out;
            }
        };
    }
}
