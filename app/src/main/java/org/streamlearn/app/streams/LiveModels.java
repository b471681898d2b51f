package org.streamlearn.app.streams;

import java.util.Set;
import org.streamlearn.store.state.ModelState;

/**
 * The live models {@link ModelLifecycle} works on, one per model id: what it needs of the {@link ModelStore},
 * with no Kafka type in sight, so that the lifecycle can be driven by a plain unit test over a map.
 */
public interface LiveModels {

    /** The live model {@code id}, or null when there is none. */
    LiveModel model(String id);

    /** Adds a new model, or swaps in a replaced state for an existing one (spec change, reset); marks it dirty. */
    LiveModel save(ModelState state);

    /** Records that a live model changed in place (and whether it now has an open mini-batch). */
    void markDirty(LiveModel m);

    /** Removes a model. */
    void remove(String id);

    /** Ids of models that may have an open mini-batch; the batch timer removes those it has dealt with. */
    Set<String> openBatches();

    /** Live models in a plain map, nothing behind it (a backtest's models, a lifecycle's unit tests). */
    static LiveModels inMemory() {
        return new MapLiveModels();
    }
}
