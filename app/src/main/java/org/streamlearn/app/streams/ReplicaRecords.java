package org.streamlearn.app.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.streamlearn.core.replica.Replica;

/**
 * The records and store entries of the replicas loop (DESIGN.md "Replicas"), in one place: replica keys
 * ({@code <model>#r<i>}), the keys of the {@value #STORE} store, and the byte layouts of a replica's round
 * bookkeeping and of a merged round's parameters. Every number is big-endian.
 *
 * <ul>
 *   <li>{@code replica-events} (key {@code <model>#r<i>}): the training event's original bytes, header
 *       {@value #SPEC_HEADER} = the model's spec (JSON), so that a replica is created with it; a tombstone
 *       (null value) when the model was deleted: the replica forgets everything it kept;</li>
 *   <li>{@code replica-reports} (key: model id): a replica's state at the end of a round
 *       ({@code BinaryStateCodec}, model id {@code <model>#r<i>}), header {@value #ROUND_HEADER};</li>
 *   <li>{@code replica-merges} (key {@code <model>#r<i>}): the merged parameters (raw doubles), header
 *       {@value #ROUND_HEADER}.</li>
 * </ul>
 */
final class ReplicaRecords {

    /** The store of the replicas loop (changelogged). */
    static final String STORE = "replicas";
    /** The store of the replicas' own models (a {@link ModelStore}: decoded and cached, written before commits). */
    static final String MODELS_STORE = "replica-models";
    /** Header carrying the spec on a replica event. */
    static final String SPEC_HEADER = "streamlearn.spec";
    /** Header carrying the round of a report or a merge. */
    static final String ROUND_HEADER = "streamlearn.round";
    /** Events a replica holds back at most while it waits for a merge; more go to the dead letters. */
    static final long MAX_HELD = 100_000;

    private ReplicaRecords() {
    }

    /** {@code <model>#r<i>}. */
    static String replicaKey(String model, int i) {
        return model + "#r" + i;
    }

    /** The model id of a replica key. */
    static String modelOf(String replicaKey) {
        return replicaKey.substring(0, replicaKey.lastIndexOf("#r"));
    }

    /** The replica index of a replica key. */
    static int indexOf(String replicaKey) {
        return Integer.parseInt(replicaKey.substring(replicaKey.lastIndexOf("#r") + 2));
    }

    static String counterKey(String model) {
        return "c|" + model;
    }

    static String reportedKey(String replica) {
        return "p|" + replica;
    }

    static String bookKey(String replica) {
        return "b|" + replica;
    }

    static String heldKey(String replica, long seq) {
        return "h|" + replica + "|" + String.format("%019d", seq);
    }

    static String mergedKey(String replica, long round) {
        return "m|" + replica + "|" + round;
    }

    static String reportKey(String model, long round, int replica) {
        return "r|" + model + "|" + round + "|" + replica;
    }

    static String progressKey(String model) {
        return "g|" + model;
    }

    static String nextRoundKey(String model) {
        return "n|" + model;
    }

    /**
     * Deletes what the spreading and the merge step keep of {@code model} on its own partition: the round-robin
     * counter, the progress, the next round and the reports of the open rounds.
     */
    static void forgetModel(KeyValueStore<String, byte[]> store, String model) {
        store.delete(counterKey(model));
        store.delete(progressKey(model));
        store.delete(nextRoundKey(model));
        deletePrefix(store, "r|" + model + "|");
    }

    /** Deletes what replica {@code replica} keeps beside its model: bookkeeping, reports, held events, merges. */
    static void forgetReplica(KeyValueStore<String, byte[]> store, String replica) {
        store.delete(bookKey(replica));
        store.delete(reportedKey(replica));
        deletePrefix(store, "h|" + replica + "|");
        deletePrefix(store, "m|" + replica + "|");
    }

    private static void deletePrefix(KeyValueStore<String, byte[]> store, String prefix) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
    }

    /** A header with a round. */
    static Headers round(long round) {
        RecordHeaders h = new RecordHeaders();
        h.add(ROUND_HEADER, Long.toString(round).getBytes(StandardCharsets.UTF_8));
        return h;
    }

    /** The round of a report or merge record. */
    static long roundOf(Headers headers) {
        Header h = headers.lastHeader(ROUND_HEADER);
        if (h == null) {
            throw new IllegalArgumentException("missing header " + ROUND_HEADER);
        }
        return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long longOf(byte[] b) {
        return b == null ? 0 : ByteBuffer.wrap(b).getLong();
    }

    static byte[] params(double[] p) {
        ByteBuffer b = ByteBuffer.allocate(8 * p.length);
        for (double v : p) {
            b.putDouble(v);
        }
        return b.array();
    }

    static double[] paramsOf(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        double[] p = new double[bytes.length / 8];
        for (int j = 0; j < p.length; j++) {
            p[j] = b.getDouble();
        }
        return p;
    }

    /** A replica's bookkeeping and its held-events window: round, inRound, held head and tail (32 bytes). */
    static byte[] book(Replica r, long heldHead, long heldTail) {
        return ByteBuffer.allocate(8 * 4).putLong(r.round()).putLong(r.inRound()).putLong(heldHead)
                .putLong(heldTail).array();
    }

    /** The parameters a replica reported and has not adopted a merge for (at most two vectors). */
    static byte[] reported(Replica r) {
        List<double[]> reported = r.reported();
        int n = reported.isEmpty() ? 0 : reported.get(0).length;
        ByteBuffer b = ByteBuffer.allocate(8 + reported.size() * 8 * n);
        b.putInt(reported.size()).putInt(n);
        for (double[] p : reported) {
            for (double v : p) {
                b.putDouble(v);
            }
        }
        return b.array();
    }

    /** A decoded book: the replica and its held window. */
    record Book(Replica replica, long heldHead, long heldTail) {
    }

    /** A replica from its {@link #book} and {@link #reported} bytes (null: none reported). */
    static Book bookOf(byte[] bytes, byte[] reportedBytes, int index, int syncEvery) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long round = b.getLong();
        long inRound = b.getLong();
        long head = b.getLong();
        long tail = b.getLong();
        List<double[]> reported = new ArrayList<>(2);
        if (reportedBytes != null) {
            ByteBuffer p = ByteBuffer.wrap(reportedBytes);
            int count = p.getInt();
            int n = p.getInt();
            for (int i = 0; i < count; i++) {
                double[] v = new double[n];
                for (int j = 0; j < n; j++) {
                    v[j] = p.getDouble();
                }
                reported.add(v);
            }
        }
        return new Book(new Replica(index, syncEvery, round, inRound, reported), head, tail);
    }
}
