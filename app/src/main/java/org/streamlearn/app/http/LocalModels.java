package org.streamlearn.app.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.streamlearn.app.streams.ModelStoreType;
import org.streamlearn.app.streams.PendingStore;
import org.streamlearn.app.streams.ReplicaProgress;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.store.spec.ReplicasSpec;

/**
 * The models of this instance's tasks, read from the model store by interactive query (as of each task's last
 * commit), decoded through the {@link ModelCache}. A store that cannot be read now (not running, rebalancing)
 * gives 503 with {@code Retry-After}. While an active task is unavailable, {@link #standby} reads a local standby
 * (or restoring) copy whose lag is within a bound ({@link KafkaStreams#allLocalStorePartitionLags()}).
 */
final class LocalModels {

    private final MetadataService metadata;
    private final ModelCache cache;

    LocalModels(MetadataService metadata, ModelCache cache) {
        this.metadata = metadata;
        this.cache = cache;
    }

    /**
     * A model of a local task, or null when no local task holds it; a replicated model as its latest merge
     * ({@link #merged}).
     */
    ModelCache.Decoded find(String modelId) {
        ModelStoreType.View view;
        byte[] stored;
        try {
            view = view();
            stored = view.get(modelId);
        } catch (InvalidStateStoreException e) {
            throw unreadable(e);
        }
        return cache.get(modelId, merged(modelId, stored), b -> view.selfContained(modelId, b));
    }

    /**
     * {@code stored}, or, when it is a model with replicas that has been merged, its latest merged model from the
     * global {@value ReplicaProgress#STORE} store (on every instance, as far as the global thread has read it).
     */
    private byte[] merged(String modelId, byte[] stored) {
        KafkaStreams s = metadata.streams();
        if (stored == null || s == null) {
            return stored;
        }
        try {
            byte[] merged = mergedStore(s).get(modelId);
            return merged == null ? stored : merged;
        } catch (InvalidStateStoreException e) {
            return stored;
        }
    }

    private static ReadOnlyKeyValueStore<String, byte[]> mergedStore(KafkaStreams s) {
        return s.store(StoreQueryParameters.fromNameAndType(ReplicaProgress.STORE,
                QueryableStoreTypes.<String, byte[]>keyValueStore()));
    }

    /** A model of a local active task, as a fresh read, or null. */
    ModelSource.Served active(String modelId) {
        ModelCache.Decoded d = find(modelId);
        return d == null ? null : new ModelSource.Served(d, false, 0, replicas(modelId, d));
    }

    /** The replicas' progress of a replicated model of a local active task (DESIGN.md "Replicas"), else null. */
    private ReplicaProgress replicas(String modelId, ModelCache.Decoded d) {
        ReplicasSpec spec;
        synchronized (d) {
            spec = d.state().spec().replicas();
        }
        if (spec == null) {
            return null;
        }
        KafkaStreams s = metadata.running().orElse(null);
        if (s == null) {
            return null;
        }
        try {
            return ReplicaProgress.read(mergedStore(s), modelId, spec.count());
        } catch (InvalidStateStoreException e) {
            throw unreadable(e);
        }
    }

    /**
     * A model from a local copy of its store partition that is not (or not yet) a running active task: a standby
     * or a restoring task, whose changelog lag is at most {@code maxLagRecords}; null when there is none.
     */
    ModelSource.Served standby(String modelId, long maxLagRecords) {
        KafkaStreams s = metadata.streams();
        if (s == null || maxLagRecords < 0 || !s.state().isRunningOrRebalancing()) {
            return null;
        }
        Map<Integer, LagInfo> lags;
        try {
            lags = new TreeMap<>(s.allLocalStorePartitionLags().getOrDefault(TopologyFactory.STORE, Map.of()));
        } catch (StreamsException | IllegalStateException e) {
            return null;
        }
        for (Map.Entry<Integer, LagInfo> e : lags.entrySet()) {
            long lag = e.getValue().offsetLag();
            if (lag > maxLagRecords) {
                continue;
            }
            ModelStoreType.View view;
            byte[] stored;
            try {
                view = s.store(StoreQueryParameters.fromNameAndType(TopologyFactory.STORE, new ModelStoreType())
                        .enableStaleStores().withPartition(e.getKey()));
                stored = view.get(modelId);
            } catch (StreamsException | IllegalStateException ex) {
                continue;
            }
            if (stored != null) {
                ModelCache.Decoded d = cache.get(modelId, merged(modelId, stored),
                        b -> view.selfContained(modelId, b));
                return d == null ? null : new ModelSource.Served(d, true, lag, null);
            }
        }
        return null;
    }

    /**
     * Whether the local active stores can be queried now: RUNNING and a lookup in every local store succeeds (an
     * instance with no active task has nothing to query and is ready: it forwards).
     */
    boolean queryable() {
        KafkaStreams s = metadata.running().orElse(null);
        if (s == null) {
            return false;
        }
        try {
            boolean active = s.metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
            if (active) {
                view().get("");
            }
            return true;
        } catch (StreamsException | IllegalStateException | HttpError e) {
            return false;
        }
    }

    /** Every model of the local tasks: id → binary snapshot (a replicated model's latest merge). */
    Map<String, byte[]> all() {
        Map<String, byte[]> all;
        try {
            all = view().all();
        } catch (InvalidStateStoreException e) {
            throw unreadable(e);
        }
        KafkaStreams s = metadata.streams();
        if (s != null) {
            try (KeyValueIterator<String, byte[]> it = mergedStore(s).all()) { // few: the merged models
                it.forEachRemaining(kv -> all.computeIfPresent(kv.key, (id, stored) -> kv.value));
            } catch (InvalidStateStoreException e) {
                // not readable now: replicated models are listed as training keeps them
            }
        }
        return all;
    }

    /**
     * The local pending-prediction stores (feedback counters and label delays, as of each task's last write),
     * standby copies included when {@code stale}; a reader that answers null for what it cannot read now.
     */
    Function<String, byte[]> pending(boolean stale) {
        KafkaStreams s = metadata.streams();
        if (s == null || !s.state().isRunningOrRebalancing()) {
            return key -> null;
        }
        StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> q = StoreQueryParameters.fromNameAndType(
                PendingStore.entriesName(TopologyFactory.STORE), QueryableStoreTypes.keyValueStore());
        return key -> {
            try {
                return s.store(stale ? q.enableStaleStores() : q).get(key);
            } catch (StreamsException | IllegalStateException e) {
                return null;
            }
        };
    }

    private ModelStoreType.View view() {
        KafkaStreams s = metadata.running().orElseThrow(() -> HttpError.unavailable("service",
                "not running yet (" + metadata.state() + ")"));
        return s.store(StoreQueryParameters.fromNameAndType(TopologyFactory.STORE, new ModelStoreType()));
    }

    private static HttpError unreadable(InvalidStateStoreException e) {
        return HttpError.unavailable("service", "the model store cannot be read now: " + e.getMessage());
    }
}
