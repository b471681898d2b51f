package org.streamlearn.app.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One remembered prediction of a model with feedback (DESIGN.md "Delayed labels"), as stored in the pending
 * store under {@link #key}: the features as they were requested (dense or named), the served raw scores, the
 * model version and the times; or, once labelled or expired, a marker without features that answers a late
 * or repeated label with the right reason until it too is removed, one {@code ttlMs} later.
 *
 * <p>Binary, big-endian: status (1 byte), timestampMs, expiresAtMs, modelVersion, servedAtMs (8 bytes each),
 * the scores (count, doubles), then for a pending entry the features: 0 + count + doubles (dense) or 1 + count +
 * (UTF-8 length, bytes, double)* (named).
 *
 * @param status       {@link #PENDING}, {@link #LABELLED} or {@link #EXPIRED}
 * @param timestampMs  the record timestamp of the prediction (stream time)
 * @param expiresAtMs  when the entry expires (pending) or is removed (marker): it goes when stream time passes it
 * @param modelVersion the version of the model that served it
 * @param servedAtMs   the wall-clock time it was served
 * @param scores       the served raw scores (empty in a marker)
 * @param dense        the dense features, or null
 * @param named        the named features, or null
 */
public record PendingPrediction(byte status, long timestampMs, long expiresAtMs, long modelVersion, long servedAtMs,
        double[] scores, double[] dense, Map<String, Double> named) {

    /** Waiting for its label. */
    public static final byte PENDING = 0;
    /** A marker: labelled. */
    public static final byte LABELLED = 1;
    /** A marker: expired before its label came. */
    public static final byte EXPIRED = 2;

    private static final double[] NONE = new double[0];

    /** The store key of prediction {@code id} of model {@code model}: unambiguous whatever both contain. */
    public static String key(String model, String id) {
        return model.length() + ":" + model + ":" + id;
    }

    /** The store key of a model's {@link FeedbackCounters}; never equal to a {@link #key}. */
    public static String countersKey(String model) {
        return "#" + model;
    }

    /** The store key of a model's {@link LabelDelays}; never equal to a {@link #key} or a {@link #countersKey}. */
    public static String delaysKey(String model) {
        return "%" + model;
    }

    /** A marker of this entry with the given status, removed when stream time passes {@code removeAtMs}. */
    public PendingPrediction marker(byte newStatus, long removeAtMs) {
        return new PendingPrediction(newStatus, timestampMs, removeAtMs, modelVersion, servedAtMs, NONE, null, null);
    }

    /** The binary form. */
    public byte[] encode() {
        int size = 1 + 8 * 4 + 4 + 8 * scores.length;
        byte[][] names = null;
        if (status == PENDING) {
            size += 1 + 4;
            if (dense != null) {
                size += 8 * dense.length;
            } else {
                names = new byte[named.size()][];
                int i = 0;
                for (String n : named.keySet()) {
                    names[i] = n.getBytes(StandardCharsets.UTF_8);
                    size += 4 + names[i].length + 8;
                    i++;
                }
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(status).putLong(timestampMs).putLong(expiresAtMs).putLong(modelVersion).putLong(servedAtMs);
        b.putInt(scores.length);
        for (double v : scores) {
            b.putDouble(v);
        }
        if (status == PENDING) {
            if (dense != null) {
                b.put((byte) 0).putInt(dense.length);
                for (double v : dense) {
                    b.putDouble(v);
                }
            } else {
                b.put((byte) 1).putInt(named.size());
                int i = 0;
                for (double v : named.values()) {
                    b.putInt(names[i].length).put(names[i]).putDouble(v);
                    i++;
                }
            }
        }
        return b.array();
    }

    /** Reads {@link #encode}'s form. */
    public static PendingPrediction decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte status = b.get();
        long ts = b.getLong();
        long expires = b.getLong();
        long version = b.getLong();
        long served = b.getLong();
        double[] scores = new double[b.getInt()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = b.getDouble();
        }
        double[] dense = null;
        Map<String, Double> named = null;
        if (status == PENDING) {
            byte kind = b.get();
            int n = b.getInt();
            if (kind == 0) {
                dense = new double[n];
                for (int i = 0; i < n; i++) {
                    dense[i] = b.getDouble();
                }
            } else {
                named = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    byte[] name = new byte[b.getInt()];
                    b.get(name);
                    named.put(new String(name, StandardCharsets.UTF_8), b.getDouble());
                }
            }
        }
        return new PendingPrediction(status, ts, expires, version, served, scores, dense, named);
    }
}
