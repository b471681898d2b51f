package org.streamlearn.store.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.optim.OptimizerState;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * The compact binary form of a {@link ModelState}, for the Kafka Streams state store and its changelog.
 *
 * <p>Layout (big-endian): magic {@code "SLM"}, schema version byte, model id, version, updatedAtMs,
 * batchStartedAtMs, the spec as UTF-8 JSON, then the learned state as raw IEEE doubles (parameters, optimizer
 * step and slots, standardizer, open batch, metric sums, rolling loss ring, counters, last step). Doubles are
 * stored bit for bit, so a round trip is lossless, NaN payloads included.
 *
 * <p>Optional trailing section (still schema 1): when the spec configures drift detection, the detector's
 * state follows the last step (a tag byte, then its numbers; {@code DriftCodec} has the layout). It is absent
 * otherwise, so snapshots of models without drift detection, and the golden files, are byte for byte those of
 * before; a snapshot with drift in its spec but no section restores a fresh detector.
 *
 * <p>With challengers in the spec (still schema 1; decided by the spec, so unambiguous): the champion's
 * candidate index (int), the events since the last change (long) and the metrics of the served predictions
 * (as a learner's) follow the spec, the learner that follows
 * is the champion's, and after the drift section (always written then, so that the challengers' learners that
 * close the snapshot cannot be mistaken for it) come the other candidates' learners, in candidate order, in
 * the champion's layout.
 */
public final class BinaryStateCodec {

    private static final byte[] MAGIC = {'S', 'L', 'M'};

    private BinaryStateCodec() {
    }

    /** Encodes {@code m}, self-contained: its spec inside. */
    public static byte[] encode(ModelState m) {
        return encode(m, false);
    }

    /**
     * Encodes {@code m} for a store that keeps the spec apart ({@link SpecApart}): the spec's place holds
     * {@link SpecApart#MARK} and the spec's {@link SpecApart#hash}, and a standardizer whose features were all
     * seen equally often stores that count once. {@link SpecApart#join} makes it self-contained again.
     */
    static byte[] encode(ModelState m, boolean specApart) {
        byte[] id = m.modelId().getBytes(StandardCharsets.UTF_8);
        byte[] spec = specApart ? null : m.specJsonBytes();
        boolean candidates = m.candidateCount() > 1;
        int size = 3 + 1 + 4 + id.length + 8 * 3 + 4 + (specApart ? 8 : spec.length)
                + (candidates ? 4 + 8 + 8 * 8 : 0)
                + learnerSize(m.learned(), specApart)
                + DriftCodec.encodedSize(m.drift());
        for (int i = 0; candidates && i < m.candidateCount(); i++) {
            size += i == m.championIndex() ? 0 : learnerSize(m.candidate(i).state(), specApart);
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC).put((byte) ModelState.SCHEMA_VERSION);
        b.putInt(id.length).put(id);
        b.putLong(m.version()).putLong(m.updatedAtMs()).putLong(m.batchStartedAtMs());
        if (specApart) {
            b.putInt(SpecApart.MARK).putLong(m.specHash());
        } else {
            b.putInt(spec.length).put(spec);
        }
        if (candidates) {
            b.putInt(m.championIndex()).putLong(m.sinceChange());
            putMetrics(b, m.servedMetrics());
        }
        putLearner(b, m.learned(), specApart);
        DriftCodec.encode(b, m.drift());
        for (int i = 0; candidates && i < m.candidateCount(); i++) {
            if (i != m.championIndex()) {
                putLearner(b, m.candidate(i).state(), specApart);
            }
        }
        if (b.hasRemaining()) {
            throw new IllegalStateException("binary snapshot size miscomputed: " + b.remaining() + " bytes left");
        }
        return b.array();
    }

    /** The size of {@link #putLearner}'s bytes for {@code s}. */
    private static int learnerSize(LearnerState s, boolean compactCounts) {
        int n = s.params().length;
        Standardizer sc = s.scaler();
        int counts = sc == null ? 0 : compactCounts && uniform(sc.count()) ? 8 : 8 * sc.dimension();
        return 4 + 8 * n
                + 8 + 4 + 8 * n * s.optimizer().slots().length
                + 1 + (sc == null ? 0 : 4 + counts + 16 * sc.dimension())
                + 4 + (s.batchCount() > 0 ? 8 * n : 0)
                + 8 * 8
                + 8 * 3 + 4 * 3 + 8 * s.rolling().filled()
                + 8 * 3 + 8 * 2;
    }

    /** Whether every count is the first (a standardizer of dense inputs: every feature seen with every event). */
    private static boolean uniform(long[] counts) {
        for (long c : counts) {
            if (c != counts[0]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A learner's state: parameters, optimizer, standardizer, open batch, metrics, rolling loss, counters. The
     * standardizer's tag is 1 with a count per feature, or, with {@code compactCounts} and equal counts, 2 with
     * the count once.
     */
    private static void putLearner(ByteBuffer b, LearnerState s, boolean compactCounts) {
        int n = s.params().length;
        double[][] slots = s.optimizer().slots();
        Standardizer sc = s.scaler();
        RollingLoss r = s.rolling();
        b.putInt(n);
        putDoubles(b, s.params(), n);
        b.putLong(s.optimizer().step()).putInt(slots.length);
        for (double[] slot : slots) {
            putDoubles(b, slot, n);
        }
        if (sc == null) {
            b.put((byte) 0);
        } else {
            boolean once = compactCounts && uniform(sc.count());
            b.put((byte) (once ? 2 : 1)).putInt(sc.dimension());
            for (int j = 0; j < (once ? 1 : sc.dimension()); j++) {
                b.putLong(sc.count()[j]);
            }
            putDoubles(b, sc.mean(), sc.dimension());
            putDoubles(b, sc.variance(), sc.dimension());
        }
        b.putInt(s.batchCount());
        if (s.batchCount() > 0) {
            putDoubles(b, s.batchGradient(), n);
        }
        putMetrics(b, s.metrics());
        b.putLong(r.count()).putDouble(r.sum()).putDouble(r.ewmaRaw());
        b.putInt(r.window().length).putInt(r.position()).putInt(r.filled());
        putDoubles(b, r.window(), r.filled());
        b.putLong(s.seen()).putLong(s.refused()).putLong(s.timedFlushes());
        b.putDouble(s.lastGradientNorm()).putDouble(s.lastLearningRate());
    }

    private static void putMetrics(ByteBuffer b, ProgressiveMetrics pm) {
        b.putLong(pm.count()).putDouble(pm.sumSquaredError()).putDouble(pm.sumAbsoluteError())
                .putDouble(pm.sumLogLoss()).putLong(pm.correct()).putLong(pm.truePositives())
                .putLong(pm.falsePositives()).putLong(pm.falseNegatives());
    }

    /** Decodes bytes written by {@link #encode}; names the field that is wrong. */
    public static ModelState decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        String field = "magic";
        try {
            for (byte value : MAGIC) {
                if (b.get() != value) {
                    throw new StateFormatException("magic", "not a streamlearn binary snapshot");
                }
            }
            field = "schemaVersion";
            Migrations.check(b.get());
            field = "model";
            String id = new String(bytes(b), StandardCharsets.UTF_8);
            field = "version";
            long version = b.getLong();
            long updatedAt = b.getLong();
            long batchStarted = b.getLong();
            field = "spec";
            if (b.getInt(b.position()) == SpecApart.MARK) {
                throw new StateFormatException("spec", "kept apart from this state by its store; read the state "
                        + "through the store, or join the spec to it (SpecApart.join)");
            }
            ModelSpec spec = ModelSpecs.parse(new String(bytes(b), StandardCharsets.UTF_8));
            int candidates = 1 + spec.challengers().size();
            int champion = 0;
            long sinceChange = 0;
            ProgressiveMetrics served = null;
            if (candidates > 1) {
                field = "champion";
                champion = b.getInt();
                sinceChange = b.getLong();
                field = "served";
                served = getMetrics(b);
                if (champion < 0 || champion >= candidates) {
                    throw new StateFormatException("champion", "candidate " + champion + " of " + candidates);
                }
            }
            LearnerConfig c = ModelStates.candidateConfig(spec, champion);
            LearnerState learned = getLearner(b, c, "");
            field = "drift";
            DriftDetector drift = DriftCodec.decode(b, spec.drift() == null ? null : spec.drift().detector(),
                    candidates > 1);
            LearnerState[] others = null;
            if (candidates > 1) {
                others = new LearnerState[candidates - 1];
                for (int i = 0, k = 0; i < candidates; i++) {
                    if (i != champion) {
                        others[k++] = getLearner(b, ModelStates.candidateConfig(spec, i), "challengers."
                                + ModelState.candidateName(spec, i) + ".");
                    }
                }
            }
            if (b.hasRemaining()) {
                throw new StateFormatException("snapshot", b.remaining() + " unexpected trailing bytes");
            }
            field = "snapshot";
            return ModelStates.restore(id, spec, c, learned, drift, champion, sinceChange, others, served, version,
                    updatedAt, batchStarted);
        } catch (BufferUnderflowException e) {
            throw new StateFormatException(field, "truncated binary snapshot (" + bytes.length + " bytes)", e);
        } catch (StateFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new StateFormatException(field, e.getMessage(), e);
        }
    }

    /** Reads {@link #putLearner}'s bytes for a learner of {@code c}; errors name {@code prefix + field}. */
    private static LearnerState getLearner(ByteBuffer b, LearnerConfig c, String prefix) {
        String field = "weights";
        try {
            int n = b.getInt();
            double[] params = doubles(b, n);
            field = "optimizer";
            long step = b.getLong();
            int slotCount = b.getInt();
            if (slotCount != c.optimizer().slotNames().length) {
                throw new StateFormatException(prefix + "optimizer.slots", slotCount + " slots, "
                        + c.optimizer().name() + " keeps " + c.optimizer().slotNames().length);
            }
            double[][] slots = new double[slotCount][];
            for (int i = 0; i < slotCount; i++) {
                slots[i] = doubles(b, n);
            }
            field = "scaler";
            Standardizer scaler = null;
            byte tag = b.get();
            if (tag == 1 || tag == 2) {
                int d = b.getInt();
                if (d < 0 || d > b.remaining()) {
                    throw new BufferUnderflowException();
                }
                long[] count = new long[d];
                for (int j = 0; j < d; j++) {
                    count[j] = tag == 1 || j == 0 ? b.getLong() : count[0];
                }
                scaler = new Standardizer(count, doubles(b, d), doubles(b, d));
            }
            field = "batch";
            int batchCount = b.getInt();
            double[] batch = batchCount > 0 ? doubles(b, n) : new double[n];
            field = "metrics";
            ProgressiveMetrics pm = getMetrics(b);
            field = "rolling";
            long rc = b.getLong();
            double rsum = b.getDouble();
            double ewma = b.getDouble();
            int windowSize = b.getInt();
            int position = b.getInt();
            int filled = b.getInt();
            if (windowSize != c.metricsWindow() || filled < 0 || filled > windowSize) {
                throw new StateFormatException(prefix + "rolling.window", "size " + windowSize + "/" + filled
                        + " does not fit metrics.window " + c.metricsWindow());
            }
            double[] ring = new double[windowSize];
            for (int i = 0; i < filled; i++) {
                ring[i] = b.getDouble();
            }
            RollingLoss rolling = new RollingLoss(c.ewmaAlpha(), rc, rsum, ewma, ring, position, filled);
            field = "counters";
            LearnerState learned = new LearnerState(params, new OptimizerState(step, slots), scaler, pm, rolling,
                    batch, batchCount, b.getLong(), b.getLong(), b.getLong());
            learned.setLastStep(b.getDouble(), b.getDouble());
            return learned;
        } catch (BufferUnderflowException e) {
            throw new StateFormatException(prefix + field, "truncated binary snapshot", e);
        } catch (StateFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new StateFormatException(prefix + field, e.getMessage(), e);
        }
    }

    private static ProgressiveMetrics getMetrics(ByteBuffer b) {
        return new ProgressiveMetrics(b.getLong(), b.getDouble(), b.getDouble(), b.getDouble(), b.getLong(),
                b.getLong(), b.getLong(), b.getLong());
    }

    /** The model version from a snapshot's header, without decoding the rest. */
    public static long peekVersion(byte[] bytes) {
        ByteBuffer b = header(bytes);
        return b.getLong();
    }

    /** When the snapshot's open mini-batch started (0: none), from the header only. */
    public static long peekBatchStartedAtMs(byte[] bytes) {
        ByteBuffer b = header(bytes);
        b.getLong();
        b.getLong();
        return b.getLong();
    }

    private static ByteBuffer header(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            for (byte value : MAGIC) {
                if (b.get() != value) {
                    throw new StateFormatException("magic", "not a streamlearn binary snapshot");
                }
            }
            Migrations.check(b.get());
            int idLen = b.getInt();
            b.position(b.position() + idLen);
            return b;
        } catch (StateFormatException e) {
            throw e;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new StateFormatException("header", "truncated binary snapshot (" + bytes.length + " bytes)", e);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] out = new byte[len];
        b.get(out);
        return out;
    }

    private static void putDoubles(ByteBuffer b, double[] v, int len) {
        b.asDoubleBuffer().put(v, 0, len);
        b.position(b.position() + 8 * len);
    }

    private static double[] doubles(ByteBuffer b, int len) {
        if (len < 0 || (long) len * 8 > b.remaining()) {
            throw new BufferUnderflowException();
        }
        double[] out = new double[len];
        b.asDoubleBuffer().get(out);
        b.position(b.position() + 8 * len);
        return out;
    }
}
