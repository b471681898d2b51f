package org.streamlearn.core.replica;

import java.util.Objects;
import org.streamlearn.core.model.LearnerState;

/**
 * A replica's report of a round: a copy of its learned state when it completed the round. The merge uses its
 * parameters, its update count ({@link LearnerState#seen()}), and for the served model its standardizer
 * statistics and metrics.
 *
 * @param replica the replica's index, 0..count−1
 * @param round   the round, from 0
 * @param state   the replica's learned state at the end of the round (a copy, owned by the report)
 */
public record ReplicaReport(int replica, long round, LearnerState state) {

    /** Checks the index and round. */
    public ReplicaReport {
        if (replica < 0 || round < 0) {
            throw new IllegalArgumentException("replica and round must be >= 0, got " + replica + ", " + round);
        }
        Objects.requireNonNull(state, "state");
    }

    /** The replica's updates (events learned) since it began. */
    public long updates() {
        return state.seen();
    }
}
