package org.streamlearn.app.streams;

import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.store.state.StateSizes;
import org.streamlearn.store.state.ModelState;

/**
 * A decoded, live model in a task's cache: the state, its event encoder, and bookkeeping that is not part of
 * the model (whether it changed since the store last saw it, when its rolling loss was last published).
 */
public final class LiveModel {

    private ModelState state;
    private ExampleEncoder encoder;
    boolean dirty;
    long metricsPublishedAtSeen;
    /** Whether the lifecycle's metrics timer has this model in its list of models that learned since its tick. */
    boolean metricsQueued;
    /** Whether this model left its cache (evicted, removed, the cache cleared): a reference kept elsewhere is stale. */
    boolean evicted;
    /** The heap this model is estimated to take ({@link StateSizes#estimatedHeapBytes}), for the cache. */
    long weight;
    /** Whether the store holds this model's spec apart, under the hash {@link #storedSpecHash}. */
    boolean specStored;
    long storedSpecHash;

    LiveModel(ModelState state) {
        replace(state);
        this.metricsPublishedAtSeen = state.learned().seen();
    }

    /** The model state (live). */
    public ModelState state() {
        return state;
    }

    /** The encoder for this model's spec. */
    public ExampleEncoder encoder() {
        return encoder;
    }

    /** Notes that the store holds this model's spec, apart, under {@code hash}. */
    void storedSpec(long hash) {
        specStored = true;
        storedSpecHash = hash;
    }

    /** Swaps in a new state (spec change, reset). */
    void replace(ModelState s) {
        if (state == null || !state.spec().equals(s.spec())) {
            encoder = new ExampleEncoder(s.spec());
            weight = StateSizes.estimatedHeapBytes(s.spec());
        }
        state = s;
    }
}
