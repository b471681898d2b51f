package org.streamlearn.app.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.streamlearn.core.replica.Replica;

/**
 * The records and store entries of the replicas loop (DESIGN.md "Replicas"), in one place: replica keys
 * ({@code <model>#r<i>}), the keys of the {@value #STORE} store, and the byte layouts of a replica's round
 * bookkeeping and of a merged round's parameters. Every number is big-endian.
 *
 * <ul>
 *   <li>{@code replica-events} (key {@code <model>#r<i>}): the training event's original bytes, header
 *       {@value #SPEC_HEADER} = the model's spec (JSON), so that a replica is created with it;</li>
 *   <li>{@code replica-reports} (key: model id): a replica's state at the end of a round
 *       ({@code BinaryStateCodec}, model id {@code <model>#r<i>}), header {@value #ROUND_HEADER};</li>
 *   <li>{@code replica-merges} (key {@code <model>#r<i>}): the merged parameters (raw doubles), header
 *       {@value #ROUND_HEADER}.</li>
 * </ul>
 */
final class ReplicaRecords {

    /** The store of the replicas loop (changelogged). */
    static final String STORE = "replicas";
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

    static String stateKey(String replica) {
        return "s|" + replica;
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

    static String nextRoundKey(String model) {
        return "n|" + model;
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

    /** A replica's bookkeeping and its held-events window: round, inRound, held head and tail, reports. */
    static byte[] book(Replica r, long heldHead, long heldTail) {
        List<double[]> reported = r.reported();
        int n = reported.isEmpty() ? 0 : reported.get(0).length;
        ByteBuffer b = ByteBuffer.allocate(8 * 4 + 8 + reported.size() * 8 * n);
        b.putLong(r.round()).putLong(r.inRound()).putLong(heldHead).putLong(heldTail);
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

    static Book bookOf(byte[] bytes, int index, int syncEvery) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long round = b.getLong();
        long inRound = b.getLong();
        long head = b.getLong();
        long tail = b.getLong();
        int count = b.getInt();
        int n = b.getInt();
        List<double[]> reported = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double[] p = new double[n];
            for (int j = 0; j < n; j++) {
                p[j] = b.getDouble();
            }
            reported.add(p);
        }
        return new Book(new Replica(index, syncEvery, round, inRound, reported), head, tail);
    }
}
