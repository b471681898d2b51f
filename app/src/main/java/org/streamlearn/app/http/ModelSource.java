package org.streamlearn.app.http;

import org.streamlearn.app.streams.ReplicaProgress;

/**
 * Where a read of one model finds it: this instance's active task, or a local standby copy while the active
 * task is unavailable ({@link ModelRoutes}).
 */
@FunctionalInterface
interface ModelSource {

    /**
     * A model as served: the decoded model and, for a standby read, its lag in changelog records; for a
     * replicated model read from its active task, its replicas' progress (else null).
     */
    record Served(ModelCache.Decoded model, boolean stale, long lagRecords, ReplicaProgress replicas) {
    }

    /** The model, or null when there is no such model (404). */
    Served find(String modelId);
}
