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
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * The records and store entries of the replicas loop (DESIGN.md "Replicas"), in one place: replica keys
 * ({@code <model>#r<i>}), the keys of the loop's stores, and the byte layouts of a replica's round bookkeeping,
 * of a merged round's parameters and of the merge step's entry of a model. Every number is big-endian.
 *
 * <ul>
 *   <li>{@code replica-events} (key {@code <model>#r<i>}): the training event's original bytes, header
 *       {@value #SPEC_HEADER} = the model's spec (JSON), so that a replica is created with it; or a merge:
 *       the merged parameters (raw doubles), header {@value #ROUND_HEADER}; or a tombstone (null value) when
 *       the model was deleted: the replica forgets everything it kept;</li>
 *   <li>{@code replica-reports} (key: model id): a replica's state at the end of a round
 *       ({@code BinaryStateCodec}, model id {@code <model>#r<i>}), header {@value #ROUND_HEADER}; or, from
 *       training, the model's {@link #modelEntry} when it is created (no header), or a tombstone when it is
 *       deleted;</li>
 *   <li>{@code replica-merged} (compacted, key: model id): the merged model ({@code BinaryStateCodec}), a
 *       tombstone when it is deleted; key {@code \0progress|<model>}: its {@link ReplicaProgress}.</li>
 * </ul>
 */
final class ReplicaRecords {

    /** The store of the replicas (changelogged): bookkeeping, reported parameters, held events, merges. */
    static final String STORE = "replicas";
    /** The store of the spreading (changelogged, connected to training only): round-robin counters. */
    static final String COUNTERS_STORE = "replica-counters";
    /** The store of the merge step (changelogged): models, open reports, progress. */
    static final String ROUNDS_STORE = "replica-rounds";
    /** The global store of the merged models and progress, read by serving (from {@code replica-merged}). */
    static final String MERGED_STORE = "replica-merged";
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

    static String modelKey(String model) {
        return "s|" + model;
    }

    /**
     * The merge step's mark of a model it has published a delete's tombstone for, until the model is created
     * again (a few bytes per deleted id).
     */
    static String deletedKey(String model) {
        return "x|" + model;
    }

    /** The key of a model's progress in {@code replica-merged} (a control character: no model id has one). */
    static String progressRecordKey(String model) {
        return "\u0000progress|" + model;
    }

    /** Deletes what the merge step keeps of {@code model}: its entry, progress and the reports of open rounds. */
    static void forgetRounds(KeyValueStore<String, byte[]> store, String model) {
        store.delete(modelKey(model));
        store.delete(progressKey(model));
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

    /** What the merge step keeps of a created model: its version and its spec (JSON). */
    static byte[] modelEntry(long version, byte[] specJson) {
        return ByteBuffer.allocate(8 + specJson.length).putLong(version).put(specJson).array();
    }

    /** The version of a {@link #modelEntry}. */
    static long versionOf(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong();
    }

    /** The spec of a {@link #modelEntry}. */
    static ModelSpec specOf(byte[] entry) {
        return ModelSpecs.parse(new String(entry, 8, entry.length - 8, StandardCharsets.UTF_8));
    }

    /** Whether a record of the loop carries a round (a report or a merge). */
    static boolean hasRound(Headers headers) {
        return headers.lastHeader(ROUND_HEADER) != null;
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
