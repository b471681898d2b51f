package org.streamlearn.app.streams;

import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.store.state.BinaryStateCodec;
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
    /** The heap this model is estimated to take ({@link BinaryStateCodec#estimatedHeapBytes}), for the cache. */
    long weight;

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

    /** Swaps in a new state (spec change, reset). */
    void replace(ModelState s) {
        if (state == null || !state.spec().equals(s.spec())) {
            encoder = new ExampleEncoder(s.spec());
            weight = BinaryStateCodec.estimatedHeapBytes(s.spec());
        }
        state = s;
    }
}
