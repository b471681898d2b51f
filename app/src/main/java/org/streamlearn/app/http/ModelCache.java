package org.streamlearn.app.http;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;
import org.streamlearn.store.state.SpecApart;

/**
 * Decoded snapshots for serving, so that a prediction does not decode the stored model each time. An entry is
 * valid only for the exact stored state it was decoded from: it is keyed by the model id and identified by the
 * stored bytes (which carry the version and the time of the last change), so that "PUT A, GET, DELETE, PUT B,
 * GET" never answers with A, even when B reached A's version. At most {@code maxEntries} models are kept,
 * the least recently used leaving first.
 */
public final class ModelCache {

    /** A decoded model and its example encoder; use it under its own lock (the learner is not thread-safe). */
    public record Decoded(ModelState state, ExampleEncoder encoder) {
    }

    private record Entry(byte[] source, Decoded decoded) {
    }

    private final int maxEntries;
    private final Map<String, Entry> entries;

    /** A cache of at most {@code maxEntries} models. */
    public ModelCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > ModelCache.this.maxEntries;
            }
        };
    }

    /**
     * The decoded form of the stored bytes of {@code modelId}: cached when these very bytes were decoded
     * before, else decoded now and cached. Null bytes (no such model) drop the model's entry and give null.
     */
    public Decoded get(String modelId, byte[] stored) {
        return get(modelId, stored, UnaryOperator.identity());
    }

    /**
     * As {@link #get(String, byte[])}, for stored bytes that may keep the spec apart ({@link SpecApart}): an entry
     * is still identified by the bytes as stored, and {@code withSpec} gives the self-contained snapshot to decode
     * on a miss (null: the model is gone).
     */
    public Decoded get(String modelId, byte[] stored, UnaryOperator<byte[]> withSpec) {
        if (stored == null) {
            synchronized (entries) {
                entries.remove(modelId);
            }
            return null;
        }
        synchronized (entries) {
            Entry e = entries.get(modelId);
            if (e != null && Arrays.equals(e.source(), stored)) {
                return e.decoded();
            }
        }
        byte[] whole = withSpec.apply(stored);
        if (whole == null) {
            return null;
        }
        ModelState s = BinaryStateCodec.decode(whole);
        Decoded d = new Decoded(s, new ExampleEncoder(s.spec()));
        synchronized (entries) {
            entries.put(modelId, new Entry(stored.clone(), d));
        }
        return d;
    }

    /** How many models are cached. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
