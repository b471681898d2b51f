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
 * <p>Every record on {@code replica-events} and {@code replica-reports} carries header {@value #GENERATION_HEADER}:
 * the generation of the model it belongs to (decimal). Training numbers the creations of a replicated model id
 * 1, 2, ... ({@link ReplicaCounters}), so a model deleted and created again under its id is a new generation, and
 * a record of the old one still in flight is told apart from the new one's (docs/architecture.md "Replicas").
 *
 * <ul>
 *   <li>{@code replica-events} (key {@code <model>#r<i>}): the training event's original bytes, header
 *       {@value #SPEC_HEADER} = the model's spec (JSON), so that a replica is created with it; or a merge:
 *       the merged parameters (raw doubles), header {@value #ROUND_HEADER}; or a tombstone (null value) when
 *       the model was deleted: the replica forgets everything it kept;</li>
 *   <li>{@code replica-reports} (key: model id): a replica's state at the end of a round
 *       ({@code BinaryStateCodec}, model id {@code <model>#r<i>}), header {@value #ROUND_HEADER}; or, from
 *       training, the model's {@link #modelEntry} when it is created (no round header), or a tombstone when it
 *       is deleted;</li>
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
    /** Header carrying the generation of the model a record of the loop belongs to. */
    static final String GENERATION_HEADER = "streamlearn.generation";
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

    /** The headers of a report or a merge: its round and generation. */
    static Headers round(long round, long generation) {
        return generation(generation).add(ROUND_HEADER, Long.toString(round).getBytes(StandardCharsets.UTF_8));
    }

    /** A header with a generation (more may be added). */
    static Headers generation(long generation) {
        RecordHeaders h = new RecordHeaders();
        h.add(GENERATION_HEADER, Long.toString(generation).getBytes(StandardCharsets.UTF_8));
        return h;
    }

    /** The round of a report or merge record. */
    static long roundOf(Headers headers) {
        return numberOf(headers, ROUND_HEADER);
    }

    /** The generation of a record of the loop. */
    static long generationOf(Headers headers) {
        return numberOf(headers, GENERATION_HEADER);
    }

    private static long numberOf(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        if (h == null) {
            throw new IllegalArgumentException("missing header " + name);
        }
        return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
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

    /** What the merge step keeps of a created model: its version, its generation and its spec (JSON). */
    static byte[] modelEntry(long version, long generation, byte[] specJson) {
        return ByteBuffer.allocate(16 + specJson.length).putLong(version).putLong(generation).put(specJson).array();
    }

    /** The version of a {@link #modelEntry}. */
    static long versionOf(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong();
    }

    /** The generation of a {@link #modelEntry}. */
    static long generationOf(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong(8);
    }

    /** The spec of a {@link #modelEntry}. */
    static ModelSpec specOf(byte[] entry) {
        return ModelSpecs.parse(new String(entry, 16, entry.length - 16, StandardCharsets.UTF_8));
    }

    /** Whether a record of the loop carries a round (a report or a merge). */
    static boolean hasRound(Headers headers) {
        return headers.lastHeader(ROUND_HEADER) != null;
    }

    /**
     * A replica's bookkeeping and its held-events window: round, inRound, held head and tail, and the generation
     * of the model it was created for (40 bytes).
     */
    static byte[] book(Replica r, long heldHead, long heldTail, long generation) {
        return ByteBuffer.allocate(8 * 5).putLong(r.round()).putLong(r.inRound()).putLong(heldHead)
                .putLong(heldTail).putLong(generation).array();
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

    /** A decoded book: the replica, its held window and its generation. */
    record Book(Replica replica, long heldHead, long heldTail, long generation) {
    }

    /** A replica from its {@link #book} and {@link #reported} bytes (null: none reported). */
    static Book bookOf(byte[] bytes, byte[] reportedBytes, int index, int syncEvery) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long round = b.getLong();
        long inRound = b.getLong();
        long head = b.getLong();
        long tail = b.getLong();
        long generation = b.getLong();
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
        return new Book(new Replica(index, syncEvery, round, inRound, reported), head, tail, generation);
    }
}
