package org.streamlearn.app.streams;

import java.nio.ByteBuffer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The progress of a replicated model's replicas as its merge step sees it (DESIGN.md "Replicas"), for
 * {@code GET /models/{id}}: how many rounds were merged, and per replica the rounds it has reported and the
 * events it had learned at its last report. The merge step keeps it in the {@value ReplicaRecords#STORE} store on
 * the model's partition, so the model's owner reads it beside the model, as of the last commit.
 *
 * @param mergedRounds   rounds merged (and published) so far
 * @param reportedRounds per replica: rounds reported so far
 * @param seen           per replica: events learned at its last report
 */
public record ReplicaProgress(long mergedRounds, long[] reportedRounds, long[] seen) {

    /** The store interactive queries read it from. */
    public static final String STORE = ReplicaRecords.STORE;

    /** The progress of {@code model}'s {@code count} replicas in {@code store} (zeros before any report). */
    public static ReplicaProgress read(ReadOnlyKeyValueStore<String, byte[]> store, String model, int count) {
        long merged = ReplicaRecords.longOf(store.get(ReplicaRecords.nextRoundKey(model)));
        return decode(merged, store.get(ReplicaRecords.progressKey(model)), count);
    }

    /** The last merge replica {@code i} had adopted at its last report (rounds r − 2 at round r); −1: none. */
    public long lastAdoptedRound(int i) {
        return Math.max(-1, reportedRounds[i] - 3);
    }

    static ReplicaProgress decode(long merged, byte[] bytes, int count) {
        long[] rounds = new long[count];
        long[] seen = new long[count];
        if (bytes != null && bytes.length == 16 * count) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            for (int i = 0; i < count; i++) {
                rounds[i] = b.getLong();
                seen[i] = b.getLong();
            }
        }
        return new ReplicaProgress(merged, rounds, seen);
    }

    /** This progress with replica {@code i}'s report of {@code round} at {@code seenThen} events, as bytes. */
    byte[] withReport(int i, long round, long seenThen) {
        ByteBuffer b = ByteBuffer.allocate(16 * seen.length);
        for (int j = 0; j < seen.length; j++) {
            boolean it = j == i && round + 1 > reportedRounds[j];
            b.putLong(it ? round + 1 : reportedRounds[j]).putLong(it ? seenThen : seen[j]);
        }
        return b.array();
    }
}
