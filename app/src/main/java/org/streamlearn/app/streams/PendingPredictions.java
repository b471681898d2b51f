package org.streamlearn.app.streams;

import java.util.List;

/**
 * The remembered predictions {@link ModelLifecycle} works on (DESIGN.md "Delayed labels"), with no Kafka type
 * in sight: entries by {@link PendingPrediction#key}, and a time-ordered expiry index, so that expiry takes
 * only what is due and never scans the rest. {@code PendingStore} keeps both in changelogged RocksDB stores.
 */
public interface PendingPredictions {

    /** The stored value under {@code key}, or null. */
    byte[] get(String key);

    /** Stores a value ({@code null} deletes). */
    void put(String key, byte[] value);

    /** Indexes {@code key} to be looked at when stream time passes {@code atMs}. */
    void expireAt(long atMs, String key);

    /**
     * Removes from the index and appends to {@code keys} (their times to {@code times}), oldest first, up to
     * {@code max} entries whose time is before {@code streamTimeMs}.
     */
    void pollDue(long streamTimeMs, int max, List<String> keys, List<Long> times);
}
