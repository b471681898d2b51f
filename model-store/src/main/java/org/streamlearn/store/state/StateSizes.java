package org.streamlearn.store.state;

import java.nio.charset.StandardCharsets;
import org.streamlearn.store.spec.LearnerConfigs;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * Sizes computed from a spec alone, without allocating the model: the largest binary snapshot of a model
 * ({@link BinaryStateCodec}), for the topic and record limits, and an estimate of a decoded model's heap, for the
 * model cache.
 */
public final class StateSizes {

    private StateSizes() {
    }

    /**
     * The largest {@link BinaryStateCodec#encode} of any state of a model {@code modelId} with {@code spec}: an open
     * mini-batch (in minibatch mode) and a full rolling window included. Computed from the spec alone, in
     * {@code long}, without allocating the model; equal to the size of such a state's encoding.
     */
    public static long maxEncodedSize(String modelId, ModelSpec spec) {
        long id = modelId.getBytes(StandardCharsets.UTF_8).length;
        long specLength = ModelSpecs.toJsonString(spec).getBytes(StandardCharsets.UTF_8).length;
        long size = 3 + 1 + 4 + id + 8 * 3 + 4 + specLength
                + maxLearnerSize(spec)
                + DriftCodec.maxEncodedSize(spec.drift() == null ? null : spec.drift().detector());
        if (!spec.challengers().isEmpty()) {
            size += 4 + 8 + 8 * 8;
            for (var c : spec.challengers()) {
                size += maxLearnerSize(c.spec());
            }
        }
        return size;
    }

    /**
     * An estimate of the heap a decoded model of {@code spec} takes, cheap to compute (the spec is not written
     * out): its learners' and drift detector's largest binary sections, which hold the same numbers as the live
     * arrays, plus {@value #OBJECT_OVERHEAD_BYTES} bytes for the objects around them. A model at d = 20 with Adam
     * and the default window: about 11 KB, where 11.5 KB was measured (docs/benchmarks.md, figure 2).
     */
    public static long estimatedHeapBytes(ModelSpec spec) {
        long size = OBJECT_OVERHEAD_BYTES + maxLearnerSize(spec)
                + DriftCodec.maxEncodedSize(spec.drift() == null ? null : spec.drift().detector());
        for (var c : spec.challengers()) {
            size += maxLearnerSize(c.spec());
        }
        return size;
    }

    /** The heap estimated for a live model's objects beyond its numbers (spec, encoder, learners, maps). */
    public static final int OBJECT_OVERHEAD_BYTES = 2048;

    private static long maxLearnerSize(ModelSpec spec) {
        long n = spec.parameterCount();
        long d = spec.standardize() ? spec.dimension() : 0;
        long slots = LearnerConfigs.optimizer(spec.optimizer()).slotNames().length;
        return 4 + 8 * n
                + 8 + 4 + 8 * n * slots
                + 1 + (spec.standardize() ? 4 + 24 * d : 0)
                + 4 + (spec.update().mode().equals("sample") ? 0 : 8 * n)
                + 8 * 8
                + 8 * 3 + 4 * 3 + 8L * spec.metrics().window()
                + 8 * 3 + 8 * 2;
    }
}
