package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * A model's delayed-label counters, kept in the pending store beside its predictions (so they are restored
 * with them): predictions {@code pending} now, labels {@code matched}, predictions {@code expired}, labels
 * {@code rejected} (unknown, expired or repeated id, wrong label; {@code unknown} counts the first), predictions {@code notRemembered} because
 * the model had {@code maxPending} already, the sum of label delays (label timestamp − prediction
 * timestamp) for their mean, and the loss of the served predictions: the sum and count of the losses of the
 * predictions that were served, scored against their label (or the expiry label when {@code onExpiry} has one).
 * The delays' quantiles are in {@link LabelDelays}, stored apart.
 *
 * <p>Binary: seven longs, then the served loss sum (double) and count (long); a value stored before the served
 * loss existed (seven longs) reads with none.
 */
public final class FeedbackCounters {

    long pending;
    long matched;
    long expired;
    long rejected;
    long unknown;
    long notRemembered;
    long delaySumMs;
    double servedLossSum;
    long servedScored;

    /** Predictions waiting for their label. */
    public long pending() {
        return pending;
    }

    /** Labels matched to their prediction. */
    public long matched() {
        return matched;
    }

    /** Predictions that expired before their label. */
    public long expired() {
        return expired;
    }

    /** Labels refused (to dead-letter). */
    public long rejected() {
        return rejected;
    }

    /** Labels refused because their id was not remembered (among {@link #rejected}). */
    public long unknown() {
        return unknown;
    }

    /** Predictions served but not remembered (the model had {@code maxPending}). */
    public long notRemembered() {
        return notRemembered;
    }

    /** Mean label delay in ms over matched labels (NaN before the first). */
    public double meanDelayMs() {
        return matched == 0 ? Double.NaN : (double) delaySumMs / matched;
    }

    /** Served predictions scored against a label or the expiry label (the count of {@link #servedLoss}). */
    public long servedScored() {
        return servedScored;
    }

    /** Mean loss of the served predictions scored against their label or the expiry label (NaN before one). */
    public double servedLoss() {
        return servedScored == 0 ? Double.NaN : servedLossSum / servedScored;
    }

    /** Counts a served prediction scored with {@code loss}, if it is finite. */
    void scored(double loss) {
        if (Double.isFinite(loss)) { // a diverged step's loss would poison the mean for good
            servedLossSum += loss;
            servedScored++;
        }
    }

    /**
     * Puts these counters and the quantiles of {@code delays} into {@code f} (a {@code feedback} object):
     * {@code pending, matched, expired, unknown, rejected, notRemembered}, and once there are some
     * {@code meanDelayMs, delayP50Ms, delayP99Ms} (matched labels) and {@code servedLoss, servedScored}.
     */
    public void putJson(ObjectNode f, LabelDelays delays) {
        f.put("pending", pending);
        f.put("matched", matched);
        f.put("expired", expired);
        f.put("unknown", unknown);
        f.put("rejected", rejected);
        f.put("notRemembered", notRemembered);
        if (matched > 0) {
            f.put("meanDelayMs", meanDelayMs());
        }
        if (delays.count() > 0) {
            f.put("delayP50Ms", delays.quantile(0.5));
            f.put("delayP99Ms", delays.quantile(0.99));
        }
        if (servedScored > 0 && Double.isFinite(servedLoss())) {
            f.put("servedLoss", servedLoss());
            f.put("servedScored", servedScored);
        }
    }

    /** A model's counters as stored in a pending store read through {@code get} (zero when none are). */
    public static FeedbackCounters read(Function<String, byte[]> get, String model) {
        return decode(get.apply(PendingPrediction.countersKey(model)));
    }

    /** A model's label delays as stored in a pending store read through {@code get} (empty when none are). */
    public static LabelDelays readDelays(Function<String, byte[]> get, String model) {
        return LabelDelays.decode(get.apply(PendingPrediction.delaysKey(model)));
    }

    byte[] encode() {
        return ByteBuffer.allocate(72).putLong(pending).putLong(matched).putLong(expired).putLong(rejected)
                .putLong(notRemembered).putLong(delaySumMs).putLong(unknown)
                .putDouble(servedLossSum).putLong(servedScored).array();
    }

    static FeedbackCounters decode(byte[] bytes) {
        FeedbackCounters c = new FeedbackCounters();
        if (bytes != null) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            c.pending = b.getLong();
            c.matched = b.getLong();
            c.expired = b.getLong();
            c.rejected = b.getLong();
            c.notRemembered = b.getLong();
            c.delaySumMs = b.getLong();
            c.unknown = b.getLong();
            if (b.remaining() >= 16) {
                c.servedLossSum = b.getDouble();
                c.servedScored = b.getLong();
            }
        }
        return c;
    }
}
