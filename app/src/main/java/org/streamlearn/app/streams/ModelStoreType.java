package org.streamlearn.app.streams;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.streamlearn.store.state.SpecApart;

/**
 * The interactive-query type of the {@link ModelStore}: a read-only view of the stored snapshots (binary) on
 * this instance, as of each task's last commit, safe to use from any thread.
 */
public final class ModelStoreType implements QueryableStoreType<ModelStoreType.View> {

    /** Read access to the snapshots of the local tasks. */
    public interface View {
        /**
         * The binary snapshot of a model as its store holds it (its spec possibly apart: {@link #selfContained}),
         * or null when no local task holds it.
         */
        byte[] get(String modelId);

        /**
         * {@code stored}, read by {@link #get}, with its spec ({@link ModelStore#selfContained}); null when the
         * model was deleted since.
         */
        byte[] selfContained(String modelId, byte[] stored);

        /** Every model of the local tasks: id → self-contained binary snapshot. */
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
            public byte[] selfContained(String id, byte[] stored) {
                if (stored == null || !SpecApart.isApart(stored)) {
                    return stored;
                }
                for (ModelStore s : provider.stores(storeName, RAW)) {
                    if (s.storedBytes(id) != null) {
                        return s.selfContained(id, stored);
                    }
                }
                return null;
            }

            @Override
            public Map<String, byte[]> all() {
                Map<String, byte[]> out = new TreeMap<>();
                for (ModelStore s : provider.stores(storeName, RAW)) {
                    s.forEachStored(out::put);
                }
                return out;
            }
        };
    }
}
