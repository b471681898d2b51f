package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import org.streamlearn.store.spec.ModelSpec.UpdateSpec;

/**
 * One model learned on many partitions (DESIGN.md "Replicas"): the model's training events are spread over
 * {@code count} replicas, each learns locally, and every {@code syncEvery} of its own updates (events learned)
 * a replica reports its parameters; the reports of a round are averaged, weighted by updates. JSON:
 *
 * <pre>{@code
 * "replicas": {"count": 4, "syncEvery": 100}
 * }</pre>
 *
 * Absent: the model is one key, as before. {@code count} 1 is exactly the unreplicated model.
 *
 * <p>Rules that span fields ({@link #check}): no wall-clock mini-batch flush ({@code update.maxDelayMs} 0, so
 * that a round never depends on timing); in mini-batch mode {@code syncEvery} is a multiple of
 * {@code update.batchSize} (a round ends on a step, never inside an open batch); no drift detection, challengers
 * or delayed labels (not supported with replicas yet).
 *
 * @param count     replicas, 1..{@value #MAX_COUNT}
 * @param syncEvery own updates of a replica per round, 1..{@value #MAX_SYNC_EVERY}, default
 *                  {@value #DEFAULT_SYNC_EVERY}
 */
public record ReplicasSpec(int count, int syncEvery) {

    /** Most replicas of a model. */
    public static final int MAX_COUNT = 64;
    /** Largest {@code syncEvery}. */
    public static final int MAX_SYNC_EVERY = 1_000_000_000;
    /** Default {@code syncEvery}. */
    public static final int DEFAULT_SYNC_EVERY = 100;

    /** Checks both fields. */
    public ReplicasSpec {
        CHECKS.inRange("replicas.count", count, 1, MAX_COUNT);
        CHECKS.inRange("replicas.syncEvery", syncEvery, 1, MAX_SYNC_EVERY);
    }

    /** Checks the rules that tie this section to the rest of the spec (see the class comment). */
    void check(UpdateSpec update, DriftSpec drift, boolean challengers, boolean feedback) {
        if (update.maxDelayMs() > 0) {
            throw CHECKS.fail("update.maxDelayMs", "must be 0 with replicas (a flush by wall-clock time would make a"
                    + " round depend on timing)");
        }
        if (update.mode().equals("minibatch") && syncEvery % update.batchSize() != 0) {
            throw CHECKS.fail("replicas.syncEvery", "must be a multiple of update.batchSize (" + update.batchSize()
                    + ") so that a round ends on a step, got " + syncEvery);
        }
        String other = drift != null ? "drift" : challengers ? "challengers" : feedback ? "feedback" : null;
        if (other != null) {
            throw CHECKS.fail("replicas", "not supported together with " + other + " yet");
        }
    }
}
