package org.streamlearn.app.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * {@link PendingPredictions} over two changelogged RocksDB stores of the task: {@code <store>-pending} (entries
 * and counters by key) and {@code <store>-pending-expiry} (the index: 8-byte big-endian time, then the entry
 * key; RocksDB keeps it sorted by time). Nothing is on the heap but {@link #nextDueMs}, the earliest indexed
 * time, so that a record for which nothing is due opens no iterator.
 *
 * <p>One instance per processor instance (so per task); only the instance that indexes ({@link ModelLifecycle}
 * in the prediction processor) polls.
 */
public final class PendingStore implements PendingPredictions {

    private static final byte[] EMPTY = new byte[0];
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final KeyValueStore<String, byte[]> entries;
    private final KeyValueStore<Bytes, byte[]> index;
    private long nextDueMs = UNKNOWN;

    PendingStore(KeyValueStore<String, byte[]> entries, KeyValueStore<Bytes, byte[]> index) {
        this.entries = entries;
        this.index = index;
    }

    /** A pending store over two stores opened elsewhere (e.g. by a benchmark), named as the task's are. */
    public static PendingStore over(KeyValueStore<String, byte[]> entries, KeyValueStore<Bytes, byte[]> index) {
        return new PendingStore(entries, index);
    }

    /** The stores of the current task. */
    static PendingStore of(ProcessorContext<?, ?> context, String storeName) {
        return new PendingStore(context.getStateStore(entriesName(storeName)),
                context.getStateStore(indexName(storeName)));
    }

    /** Name of the entry store of model store {@code storeName}. */
    public static String entriesName(String storeName) {
        return storeName + "-pending";
    }

    /** Name of the expiry index store of model store {@code storeName}. */
    public static String indexName(String storeName) {
        return storeName + "-pending-expiry";
    }

    /** The builders of both stores, changelogged with {@code logConfig}. */
    static List<StoreBuilder<?>> builders(String storeName, Map<String, String> logConfig) {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(entriesName(storeName)), Serdes.String(),
                        Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(logConfig),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(indexName(storeName)), Serdes.Bytes(),
                        Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(logConfig));
    }

    @Override
    public byte[] get(String key) {
        return entries.get(key);
    }

    @Override
    public void put(String key, byte[] value) {
        if (value == null) {
            entries.delete(key);
        } else {
            entries.put(key, value);
        }
    }

    @Override
    public void expireAt(long atMs, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        index.put(Bytes.wrap(ByteBuffer.allocate(8 + k.length).putLong(atMs).put(k).array()), EMPTY);
        if (nextDueMs != UNKNOWN && atMs < nextDueMs) {
            nextDueMs = atMs;
        }
    }

    @Override
    public void pollDue(long streamTimeMs, int max, List<String> keys, List<Long> times) {
        if (nextDueMs != UNKNOWN && nextDueMs >= streamTimeMs) {
            return;
        }
        List<Bytes> done = new ArrayList<>();
        long next = Long.MAX_VALUE;
        try (KeyValueIterator<Bytes, byte[]> it = index.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                long t = ByteBuffer.wrap(k).getLong();
                if (t >= streamTimeMs || done.size() >= max) {
                    next = t;
                    break;
                }
                done.add(kv.key);
                keys.add(new String(k, 8, k.length - 8, StandardCharsets.UTF_8));
                times.add(t);
            }
        }
        for (Bytes b : done) {
            index.delete(b);
        }
        nextDueMs = done.size() >= max ? UNKNOWN : next;
    }
}
