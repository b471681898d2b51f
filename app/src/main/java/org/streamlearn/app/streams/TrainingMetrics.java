package org.streamlearn.app.streams;

/**
 * What the training processor reports as it goes, for the service's metrics: a plain interface, so that the
 * topology knows nothing of the metrics library. An implementation holds its counters already (it never
 * looks one up by name) and allocates nothing on the per-event calls.
 */
public interface TrainingMetrics {

    /** Reports nothing (the topology tests, the backtest). */
    TrainingMetrics NONE = new TrainingMetrics() {
    };

    /** A training event was learned (its step applied, or added to the open mini-batch). */
    default void eventLearned() {
    }

    /**
     * A training event of a replicated model was spread to one of its replicas (DESIGN.md "Replicas"): not learned
     * yet; the replica reports it again, as learned or rejected, when it takes its turn.
     */
    default void eventSpread() {
    }

    /** A training event was learned, but the step it made (or completed) was refused by the divergence guard. */
    default void eventRefused() {
    }

    /** A training event was rejected (a dead letter) and left every model untouched. */
    default void eventRejected() {
    }

    /** A step was refused by the divergence guard (a dead letter, field {@code gradient}). */
    default void refusedStep() {
    }

    /** A drift was detected (a {@code model-events} record). */
    default void driftDetected() {
    }

    /** A challenger was promoted (a {@code model-events} record). */
    default void promoted() {
    }

    /** A record was written to {@code dead-letter}; {@code field} is the field it names (free text). */
    default void deadLetter(String field) {
    }

    /**
     * A {@code model-metrics} record was sent for {@code model} (the publishing cadence; {@code record} is its
     * JSON value, not to be changed). Called on the stream thread: must return quickly and never throw.
     */
    default void metricsPublished(String model, byte[] record) {
    }

    /**
     * A {@code model-events} record (a drift or a promotion) was sent for {@code model}; as
     * {@link #metricsPublished}.
     */
    default void modelEvent(String model, byte[] record) {
    }

    /** A delayed label was matched to its remembered prediction and learned. */
    default void labelMatched() {
    }

    /** A delayed label was refused (unknown, expired or repeated id, wrong label; a dead letter). */
    default void labelRejected() {
    }

    /** {@code n} remembered predictions expired before their label. */
    default void predictionsExpired(int n) {
    }
}
