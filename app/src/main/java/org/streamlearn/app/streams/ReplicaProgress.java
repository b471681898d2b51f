package org.streamlearn.app.streams;

import java.nio.ByteBuffer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The progress of a replicated model's replicas as its merge step sees it (DESIGN.md "Replicas"), for
 * {@code GET /models/{id}}: how many rounds were merged, and per replica the rounds it has reported and the
 * events it had learned at its last report. The merge step keeps it in its {@value ReplicaRecords#ROUNDS_STORE}
 * store and publishes it beside the merged model on {@code replica-merged}, so every instance reads it from the
 * global {@value ReplicaRecords#MERGED_STORE} store.
 *
 * @param mergedRounds   rounds merged (and published) so far
 * @param reportedRounds per replica: rounds reported so far
 * @param seen           per replica: events learned at its last report
 */
public record ReplicaProgress(long mergedRounds, long[] reportedRounds, long[] seen) {

    /** The store interactive queries read it from (a global store). */
    public static final String STORE = ReplicaRecords.MERGED_STORE;

    /** The progress of {@code model}'s {@code count} replicas in {@code store} (zeros before any report). */
    public static ReplicaProgress read(ReadOnlyKeyValueStore<String, byte[]> store, String model, int count) {
        return decode(store.get(ReplicaRecords.progressRecordKey(model)), count);
    }

    /** The last merge replica {@code i} had adopted at its last report (rounds r − 2 at round r); −1: none. */
    public long lastAdoptedRound(int i) {
        return Math.max(-1, reportedRounds[i] - 3);
    }

    /** The progress in {@code bytes} ({@link #bytes}; null or another count of replicas: none yet). */
    static ReplicaProgress decode(byte[] bytes, int count) {
        long[] rounds = new long[count];
        long[] seen = new long[count];
        long merged = 0;
        if (bytes != null && bytes.length == 8 + 16 * count) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            merged = b.getLong();
            for (int i = 0; i < count; i++) {
                rounds[i] = b.getLong();
                seen[i] = b.getLong();
            }
        }
        return new ReplicaProgress(merged, rounds, seen);
    }

    /** The merged rounds, then per replica its reported rounds and events seen. */
    byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(8 + 16 * seen.length).putLong(mergedRounds);
        for (int j = 0; j < seen.length; j++) {
            b.putLong(reportedRounds[j]).putLong(seen[j]);
        }
        return b.array();
    }

    /** This progress with replica {@code i}'s report of {@code round} at {@code seenThen} events. */
    ReplicaProgress withReport(int i, long round, long seenThen) {
        if (round + 1 <= reportedRounds[i]) {
            return this;
        }
        long[] rounds = reportedRounds.clone();
        long[] seenNow = seen.clone();
        rounds[i] = round + 1;
        seenNow[i] = seenThen;
        return new ReplicaProgress(mergedRounds, rounds, seenNow);
    }

    /** This progress with one more round merged. */
    ReplicaProgress withMerge() {
        return new ReplicaProgress(mergedRounds + 1, reportedRounds, seen);
    }
}
