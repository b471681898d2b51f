package org.streamlearn.app.streams;

import java.nio.ByteBuffer;

/**
 * A model's delayed-label counters, kept in the pending store beside its predictions (so they are restored
 * with them): predictions {@code pending} now, labels {@code matched}, predictions {@code expired}, labels
 * {@code rejected} (unknown, expired or repeated id, wrong label; {@code unknown} counts the first), predictions {@code notRemembered} because
 * the model had {@code maxPending} already, and the sum of label delays (label timestamp − prediction
 * timestamp) for their mean.
 */
public final class FeedbackCounters {

    long pending;
    long matched;
    long expired;
    long rejected;
    long unknown;
    long notRemembered;
    long delaySumMs;

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

    byte[] encode() {
        return ByteBuffer.allocate(56).putLong(pending).putLong(matched).putLong(expired).putLong(rejected)
                .putLong(notRemembered).putLong(delaySumMs).putLong(unknown).array();
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
        }
        return c;
    }
}
