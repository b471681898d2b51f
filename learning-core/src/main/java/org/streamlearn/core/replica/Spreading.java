package org.streamlearn.core.replica;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Which replica learns an event (DESIGN.md "Replicas"). An event with an {@code id} goes to
 * {@code fnv1a32(utf8(id)) mod count}, the 32-bit FNV-1a hash (offset basis {@code 0x811c9dc5}, prime
 * {@code 0x01000193}, one byte at a time: {@code h ^= b; h *= prime}) of the id's UTF-8 bytes, taken as an
 * unsigned number. An event without one goes round-robin in offset order per source partition: the k-th such
 * event of the model read from a partition (k = 0, 1, …) goes to replica {@code k mod count}.
 *
 * <p>An instance holds the round-robin counters of one model; it is not thread-safe.
 */
public final class Spreading {

    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private final int count;
    private final Map<Integer, Long> counters = new HashMap<>();

    /** Spreading over {@code count} replicas, every counter at 0. */
    public Spreading(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("replicas.count: must be >= 1, got " + count);
        }
        this.count = count;
    }

    /** The replica of an event with {@code id} ({@code null}: none) read from {@code partition}. */
    public int replicaOf(String id, int partition) {
        if (id != null) {
            return ofId(id, count);
        }
        long k = counters.getOrDefault(partition, 0L);
        counters.put(partition, k + 1);
        return ofCounter(k, count);
    }

    /** The replica of the {@code k}-th event without an id of a partition. */
    public static int ofCounter(long k, int count) {
        return (int) Long.remainderUnsigned(k, count);
    }

    /** The replica of an event with {@code id}: {@code fnv1a32(utf8(id))} as unsigned, mod {@code count}. */
    public static int ofId(String id, int count) {
        return Integer.remainderUnsigned(fnv1a32(id), count);
    }

    /** The 32-bit FNV-1a hash of the UTF-8 bytes of {@code s}. */
    public static int fnv1a32(String s) {
        int h = FNV_OFFSET;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }
}
