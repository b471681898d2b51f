package org.streamlearn.app.http;

import java.io.IOException;

/**
 * Where a request for one model is served: here, when this instance holds the model's active task; else
 * forwarded once to the owner ({@link Forwarder}). While the active task is unavailable (rebalancing, restoring,
 * its owner unreachable), a read (GET, predict) is answered from a local standby whose lag is at most
 * {@code serving.max.lag.records}, marked {@code "stale": true} with its {@code "lagRecords"}; otherwise, and
 * for every write, the answer is 503 with {@code Retry-After}.
 */
final class ModelRoutes {

    /** A read of one model, from a given source. */
    @FunctionalInterface
    interface Read {
        /** Answers the request with the model {@code source} finds. */
        void handle(Request r, ModelSource source) throws IOException;
    }

    private final MetadataService metadata;
    private final Forwarder forwarder;
    private final LocalModels models;
    private final long maxLagRecords;

    ModelRoutes(MetadataService metadata, Forwarder forwarder, LocalModels models, long maxLagRecords) {
        this.metadata = metadata;
        this.forwarder = forwarder;
        this.models = models;
        this.maxLagRecords = maxLagRecords;
    }

    /** A read: local, forwarded, or from a local standby while the active task is unavailable. */
    Router.Handler read(Read read) {
        return r -> {
            Owner owner = metadata.ownerOf(r.id());
            try {
                if (owner instanceof Owner.Local) {
                    read.handle(r, models::active);
                } else {
                    forwarder.forward(r, owner);
                }
            } catch (HttpError unavailable) {
                if (unavailable.status() != 503) {
                    throw unavailable;
                }
                ModelSource.Served stale = models.standby(r.id(), maxLagRecords);
                if (stale == null) {
                    throw unavailable;
                }
                read.handle(r, id -> stale);
            }
        };
    }

    /** A write: here when this instance holds the active task and is RUNNING, else forwarded once, else 503. */
    Router.Handler write(Router.Handler local) {
        return r -> {
            Owner owner = metadata.ownerOf(r.id());
            if (owner instanceof Owner.Local) {
                if (metadata.running().isEmpty()) {
                    throw HttpError.unavailable("service", "model '" + r.id() + "' is being moved (" + metadata.state()
                            + "); retry");
                }
                local.handle(r);
            } else {
                forwarder.forward(r, owner);
            }
        };
    }
}
