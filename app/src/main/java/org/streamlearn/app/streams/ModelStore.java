package org.streamlearn.app.streams;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.streamlearn.app.config.CacheSizing;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;
import org.streamlearn.store.state.SpecApart;

/**
 * The model store: a changelogged RocksDB key-value store of binary snapshots ({@link BinaryStateCodec}) with a
 * per-task cache of live, decoded models in front of it. A model's spec is kept apart from its state
 * ({@link SpecApart}, {@link #specKey}): written when it changes, not with every change of the state, so each
 * changelog record of a model that learned is a third smaller (docs/benchmarks.md, figure 2).
 *
 * <p>Write-behind, consistent with exactly-once: processors change live models in place and mark them dirty;
 * before every commit Kafka Streams calls {@link #flushCache()} (the hook its own record cache uses), which
 * encodes each dirty model once and writes it to the inner store, whose changelog records join the same
 * transaction as the input offsets and the output records. A model that learns a thousand events between two
 * commits is therefore encoded once, not a thousand times, and is never decoded again while it stays cached.
 * When a task is corrupted (an aborted transaction), Streams calls {@link #clearCache()} and restores the
 * inner store from the changelog; the cache starts empty again, so it can never run ahead of the store.
 *
 * <p>Threads: the stream thread owns the cache. Interactive queries (other threads, through
 * {@link ModelStoreType}) read the inner store's bytes, as of the last commit.
 */
public final class ModelStore extends MapLiveModels implements StateStore, CachedStateStore<String, byte[]> {

    /**
     * The heap the cached models of every store of this JVM may take together: {@value CacheSizing#HEAP_PERCENT} %
     * of the maximum heap, by {@link LiveModel#weight}. {@code cache.max.models} counts models, whatever their size;
     * this bound keeps wide models (d = 10,000 with Adam: about 0.5 MB each) from filling the heap.
     */
    static final long HEAP_BUDGET_BYTES = Runtime.getRuntime().maxMemory() / 100 * CacheSizing.HEAP_PERCENT;
    /**
     * The models a store keeps whatever the heap budget: the most recently used, so that models a record is
     * working with are never evicted under it (as {@code cache.max.models} never evicts the most recent).
     */
    static final int MIN_KEPT = 16;
    /** The first character of a spec's key ({@link #specKey}): a control character, never in a model id. */
    static final char SPEC_MARK = '\u0001';
    private static final AtomicLong CACHED_BYTES = new AtomicLong();

    private final KeyValueStore<String, byte[]> inner;
    private final int capacity;
    private final long heapBudget;
    /** The weight of this store's cached models (its share of {@link #CACHED_BYTES}). */
    private long cachedBytes;
    /** Whether the stored snapshots were scanned for open batches since the store was last (re)stored. */
    private boolean scanned;
    private long encodes;

    ModelStore(KeyValueStore<String, byte[]> inner, int capacity) {
        this(inner, capacity, HEAP_BUDGET_BYTES);
    }

    ModelStore(KeyValueStore<String, byte[]> inner, int capacity, long heapBudget) {
        super(true);
        this.inner = inner;
        this.capacity = capacity;
        this.heapBudget = heapBudget;
    }

    /** The estimated heap of the models cached by every store of this JVM. */
    static long cachedBytesOfAllStores() {
        return CACHED_BYTES.get();
    }

    // --- LiveModels: the typed API of the model lifecycle (stream thread only)

    /** The live model {@code id}, decoded from the store on a cache miss; null when there is none. */
    @Override
    public LiveModel model(String id) {
        LiveModel m = super.model(id);
        if (m != null) {
            return m;
        }
        byte[] bytes = inner.get(id);
        if (bytes == null) {
            return null;
        }
        boolean apart = SpecApart.isApart(bytes);
        long hash = apart ? SpecApart.specHash(bytes) : 0;
        m = new LiveModel(BinaryStateCodec.decode(apart ? SpecApart.join(bytes, inner.get(specKey(id, hash)))
                : bytes));
        if (apart) {
            m.storedSpec(hash);
        }
        live.put(id, m);
        account(m.weight);
        evictIfNeeded();
        return m;
    }

    /** Caches a new or replaced model as dirty (written to the store before the next commit), evicting if full. */
    @Override
    public LiveModel save(ModelState state) {
        LiveModel before = live.get(state.modelId());
        long old = before == null ? 0 : before.weight;
        LiveModel m = super.save(state);
        account(m.weight - old);
        evictIfNeeded();
        return m;
    }

    /**
     * Removes a model: a tombstone in the changelog, then one for its spec (in that order, so that no prefix of
     * the changelog holds a state without its spec).
     */
    @Override
    public void remove(String id) {
        LiveModel m = live.get(id);
        if (m != null) {
            account(-m.weight);
        }
        String specKey = null;
        if (m != null && m.specStored) {
            specKey = specKey(id, m.storedSpecHash);
        } else {
            byte[] stored = inner.get(id);
            if (stored != null && SpecApart.isApart(stored)) {
                specKey = specKey(id, SpecApart.specHash(stored));
            }
        }
        super.remove(id);
        inner.delete(id);
        if (specKey != null) {
            inner.delete(specKey);
        }
    }

    /**
     * Ids of models that may have an open mini-batch (checked by the time-flush punctuator). The first call
     * after {@link #init} or {@link #clearCache} scans the stored snapshots' headers: only then, from a
     * punctuator or a record, is the store restored from its changelog, so an open batch restored after a
     * crash or a task migration is found and flushed by its {@code maxDelayMs} timer.
     */
    @Override
    public Set<String> openBatches() {
        if (!scanned) {
            scanned = true;
            try (KeyValueIterator<String, byte[]> it = inner.all()) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    if (!isSpecKey(kv.key) && BinaryStateCodec.peekBatchStartedAtMs(kv.value) > 0) {
                        openBatches.add(kv.key);
                    }
                }
            }
        }
        return super.openBatches();
    }

    /** How many snapshots were encoded so far (a measure of the write-behind's saving). */
    public long encodes() {
        return encodes;
    }

    /**
     * Writes a model with its spec apart ({@link SpecApart}): the spec under {@link #specKey} when the model's
     * stored spec is not this one (a new model, a changed spec), then the state, then a tombstone for the spec
     * it replaced. In that order a reader of the store (or a restore from the changelog, up to any record) finds
     * the spec a stored state names.
     */
    private void write(LiveModel m) {
        ModelState s = m.state();
        String id = s.modelId();
        long hash = s.specHash();
        boolean newSpec = !m.specStored || m.storedSpecHash != hash;
        if (newSpec) {
            inner.put(specKey(id, hash), s.specJsonBytes());
        }
        inner.put(id, SpecApart.encode(s));
        if (newSpec && m.specStored) {
            inner.delete(specKey(id, m.storedSpecHash));
        }
        m.storedSpec(hash);
        encodes++;
        m.dirty = false;
    }

    /**
     * The key of model {@code id}'s spec with hash {@code hash}: {@link #SPEC_MARK}, the id, the mark again and
     * the hash in hex. No model id has a control character ({@code ModelIds}), so these keys are apart from the
     * models' and sort before all of them.
     */
    static String specKey(String id, long hash) {
        return SPEC_MARK + id + SPEC_MARK + String.format(Locale.ROOT, "%016x", hash);
    }

    /** Whether {@code key} is a spec's ({@link #specKey}), not a model's. */
    static boolean isSpecKey(String key) {
        return !key.isEmpty() && key.charAt(0) == SPEC_MARK;
    }

    /**
     * Evicts the least recently used models (writing the changed ones) while this store holds more than
     * {@code capacity} models, or while the stores of this JVM together hold more than the heap budget and this
     * one more than {@link #MIN_KEPT}.
     */
    private void evictIfNeeded() {
        if (live.size() <= capacity && CACHED_BYTES.get() <= heapBudget) {
            return;
        }
        Iterator<Map.Entry<String, LiveModel>> it = live.entrySet().iterator();
        while ((live.size() > capacity || CACHED_BYTES.get() > heapBudget && live.size() > MIN_KEPT)
                && it.hasNext()) {
            LiveModel m = it.next().getValue();
            if (m.dirty) {
                write(m);
            }
            it.remove();
            m.evicted = true;
            account(-m.weight);
        }
    }

    private void account(long bytes) {
        cachedBytes += bytes;
        CACHED_BYTES.addAndGet(bytes);
    }

    /** Forgets every cached model's weight (the cache was cleared). */
    private void unaccountAll() {
        CACHED_BYTES.addAndGet(-cachedBytes);
        cachedBytes = 0;
    }

    // --- CachedStateStore: the pre-commit hook

    @Override
    public void flushCache() {
        for (LiveModel m : dirtyModels) {
            if (m.dirty) {
                write(m);
            }
        }
        dirtyModels.clear();
    }

    /** Drops the live models and the open-batch index; both are rebuilt from the store once it is restored. */
    @Override
    public void clearCache() {
        dropAll();
        unaccountAll();
        dirtyModels.clear();
        openBatches.clear();
        scanned = false;
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
        return false;
    }

    // --- StateStore

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        dropAll();
        unaccountAll();
        dirtyModels.clear();
        openBatches.clear();
        scanned = false; // the changelog is restored after init: openBatches() scans on first use
        inner.init(context, root);
    }

    @Override
    @SuppressWarnings("deprecation") // Kafka 4.3 still calls flush(); commit(Map) is its successor
    public void flush() {
        flushCache();
        inner.flush();
    }

    @Override
    public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
        flushCache();
        inner.commit(changelogOffsets);
    }

    @Override
    public void close() {
        dropAll();
        unaccountAll();
        dirtyModels.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    // --- read access to the stored bytes (interactive queries, other threads)

    /**
     * The stored snapshot of model {@code key} as of the last commit, or null; safe from any thread. It may keep
     * its spec apart ({@link SpecApart}); {@link #selfContained} joins it.
     */
    public byte[] storedBytes(String key) {
        return isSpecKey(key) ? null : inner.get(key);
    }

    /**
     * {@code stored}, a snapshot of model {@code key} read by {@link #storedBytes}, with its spec; safe from any
     * thread. When the model's spec changed since {@code stored} was read (its spec's entry is gone), the model
     * as it is stored now, with its spec; null if it was deleted meanwhile.
     */
    public byte[] selfContained(String key, byte[] stored) {
        byte[] state = stored;
        for (int attempt = 0; state != null && SpecApart.isApart(state); attempt++) {
            byte[] spec = inner.get(specKey(key, SpecApart.specHash(state)));
            if (spec != null || attempt == 3) {
                return SpecApart.join(state, spec);
            }
            state = inner.get(key);
        }
        return state;
    }

    /** Every stored model as of the last commit, each self-contained, in key order. */
    public void forEachStored(BiConsumer<String, byte[]> action) {
        try (KeyValueIterator<String, byte[]> it = inner.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (!isSpecKey(kv.key)) {
                    byte[] b = selfContained(kv.key, kv.value);
                    if (b != null) {
                        action.accept(kv.key, b);
                    }
                }
            }
        }
    }
}
