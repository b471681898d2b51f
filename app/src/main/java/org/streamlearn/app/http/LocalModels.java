package org.streamlearn.app.http;

import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.streamlearn.app.streams.ModelStoreType;
import org.streamlearn.app.streams.TopologyFactory;

/**
 * The models of this instance's tasks, read from the model store by interactive query (as of each task's last
 * commit), decoded through the {@link ModelCache}. A store that cannot be read now (not running, rebalancing)
 * gives 503 with {@code Retry-After}.
 */
final class LocalModels {

    private final MetadataService metadata;
    private final ModelCache cache;

    LocalModels(MetadataService metadata, ModelCache cache) {
        this.metadata = metadata;
        this.cache = cache;
    }

    /** A model of a local task, or null when no local task holds it. */
    ModelCache.Decoded find(String modelId) {
        byte[] stored;
        try {
            stored = view().get(modelId);
        } catch (InvalidStateStoreException e) {
            throw unreadable(e);
        }
        return cache.get(modelId, stored);
    }

    /** Every model of the local tasks: id → binary snapshot. */
    Map<String, byte[]> all() {
        try {
            return view().all();
        } catch (InvalidStateStoreException e) {
            throw unreadable(e);
        }
    }

    private ModelStoreType.View view() {
        KafkaStreams s = metadata.running().orElseThrow(() -> HttpError.unavailable("service",
                "not running yet (" + metadata.state() + ")"));
        return s.store(StoreQueryParameters.fromNameAndType(TopologyFactory.STORE, new ModelStoreType()));
    }

    private static HttpError unreadable(InvalidStateStoreException e) {
        return HttpError.unavailable("service", "the model store cannot be read now: " + e.getMessage());
    }
}
