package org.streamlearn.app.streams;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Training's counters of its replicated models (DESIGN.md "Replicas"), in the changelogged
 * {@value ReplicaRecords#COUNTERS_STORE} store: per model id one entry {@code c|<model>} of 16 bytes, the
 * generation of its replicas (the number of times the id was created with replicas) and its round-robin count of
 * events without an id. A delete resets the count and keeps the generation, so that the id's next creation is
 * the next generation: a deleted replicated id keeps these 16 bytes. The generations are also cached in memory
 * (one entry per replicated model, read on every spread event); the cache is made anew with the processor's
 * {@code init}, so it never outlives the store it was read from.
 *
 * <p>Not thread-safe: one per processor.
 */
final class ReplicaCounters implements ReplicaHooks.Counters {

    private final KeyValueStore<String, byte[]> store;
    private final Map<String, Long> generations = new HashMap<>();

    ReplicaCounters(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public long created(String model) {
        long g = generation(model) + 1;
        put(model, g, 0);
        return g;
    }

    @Override
    public long generation(String model) {
        Long g = generations.get(model);
        if (g == null) {
            byte[] b = store.get(ReplicaRecords.counterKey(model));
            g = b == null ? 0 : ByteBuffer.wrap(b).getLong(0);
            generations.put(model, g);
        }
        return g;
    }

    @Override
    public long nextCount(String model) {
        byte[] b = store.get(ReplicaRecords.counterKey(model));
        long k = b == null ? 0 : ByteBuffer.wrap(b).getLong(8);
        put(model, generation(model), k + 1);
        return k;
    }

    @Override
    public void deleted(String model) {
        put(model, generation(model), 0);
    }

    private void put(String model, long generation, long count) {
        store.put(ReplicaRecords.counterKey(model), ByteBuffer.allocate(16).putLong(generation).putLong(count).array());
        generations.put(model, generation);
    }
}
