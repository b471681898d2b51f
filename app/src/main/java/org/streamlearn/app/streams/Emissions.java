package org.streamlearn.app.streams;

import java.util.Arrays;

/**
 * What one call of {@link ModelLifecycle} asks to be emitted, in order: a reusable holder of (kind, key,
 * value) entries that the processors forward as records. It is cleared at the start of every lifecycle call
 * and its arrays grow only when a call emits more than any call before it, so the per-event path allocates
 * nothing here; an entry is valid until the next call of the same lifecycle.
 *
 * <p>Values are encoded when they are added, because the models they describe keep changing in place
 * afterwards (a snapshot published when a model is created must not show the event it is about to learn).
 */
public final class Emissions {

    /** Where an entry goes. */
    public enum Kind {
        /** A snapshot (JSON bytes) for {@code model-parameters}, or a tombstone (null value). */
        PARAMETERS,
        /** A rolling-loss record for {@code model-metrics}. */
        METRICS,
        /** A finished {@code dead-letter} value that concerns no input record (a snapshot that failed). */
        DEAD_LETTER,
        /**
         * The input record being handled is rejected: {@link #field} and {@link #reason} say why; the adapter,
         * which knows the record's source and original bytes, writes the {@code dead-letter} value.
         */
        REJECTED,
        /** A {@code predictions} value (a prediction or an error carrying the request id). */
        PREDICTION,
        /** A {@code model-events} value; {@link #field} is its type ({@code "drift"}, {@code "promotion"}). */
        MODEL_EVENT,
        /**
         * The training event being handled goes to a replica: the key is the replica's ({@code <model>#r<i>}),
         * the value the model's spec (JSON), which the adapter sends as a header beside the record's original
         * bytes on {@code replica-events}; a null value (the model is deleted) is sent as a tombstone, for the
         * replica to forget its state. {@link #generation} is the model's generation, sent as a header.
         */
        REPLICA_EVENT,
        /**
         * A model with replicas was created (the value: its {@code ReplicaRecords.modelEntry}) or deleted (null),
         * for the merge step on {@code replica-reports}; {@link #generation} is the model's, sent as a header.
         */
        REPLICA_MODEL
    }

    private Kind[] kinds = new Kind[4];
    private String[] keys = new String[4];
    private byte[][] values = new byte[4][];
    private String[] fields = new String[4];
    private String[] reasons = new String[4];
    private long[] generations = new long[4];
    private int size;

    /** How many entries the last call emitted. */
    public int size() {
        return size;
    }

    /** The kind of entry {@code i}. */
    public Kind kind(int i) {
        check(i);
        return kinds[i];
    }

    /** The record key (the model id; null when the input had none) of entry {@code i}. */
    public String key(int i) {
        check(i);
        return keys[i];
    }

    /** The encoded value of entry {@code i}; null for a tombstone and for {@link Kind#REJECTED}. */
    public byte[] value(int i) {
        check(i);
        return values[i];
    }

    /** The rejected field of a {@link Kind#REJECTED} entry, the type of a {@link Kind#MODEL_EVENT}, else null. */
    public String field(int i) {
        check(i);
        return fields[i];
    }

    /** The reason of a {@link Kind#REJECTED} entry, else null. */
    public String reason(int i) {
        check(i);
        return reasons[i];
    }

    /** The model's generation of a {@link Kind#REPLICA_EVENT} or {@link Kind#REPLICA_MODEL} entry, else 0. */
    public long generation(int i) {
        check(i);
        return generations[i];
    }

    Emissions clear() {
        Arrays.fill(values, 0, size, null);
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(fields, 0, size, null);
        Arrays.fill(reasons, 0, size, null);
        size = 0;
        return this;
    }

    void add(Kind kind, String key, byte[] value) {
        put(kind, key, value, null, null);
    }

    void modelEvent(String key, String type, byte[] value) {
        put(Kind.MODEL_EVENT, key, value, type, null);
    }

    void reject(String key, String field, String reason) {
        put(Kind.REJECTED, key, null, field, reason);
    }

    /** A {@link Kind#REPLICA_EVENT} or {@link Kind#REPLICA_MODEL} entry of the model's {@code generation}. */
    void replica(Kind kind, String key, byte[] value, long generation) {
        put(kind, key, value, null, null);
        generations[size - 1] = generation;
    }

    private void put(Kind kind, String key, byte[] value, String field, String reason) {
        if (size == kinds.length) {
            int n = size * 2;
            kinds = Arrays.copyOf(kinds, n);
            keys = Arrays.copyOf(keys, n);
            values = Arrays.copyOf(values, n);
            fields = Arrays.copyOf(fields, n);
            reasons = Arrays.copyOf(reasons, n);
            generations = Arrays.copyOf(generations, n);
        }
        kinds[size] = kind;
        generations[size] = 0;
        keys[size] = key;
        values[size] = value;
        fields[size] = field;
        reasons[size] = reason;
        size++;
    }

    private void check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("entry " + i + " of " + size);
        }
    }
}
