package org.streamlearn.store.state;

import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.SpecException;

/**
 * How large one model may be: at most {@code maxParameters} parameters, and every record it becomes (the binary
 * snapshot in the state store's changelog, the JSON snapshot on {@code model-parameters}) fits a Kafka record of
 * {@code maxMessageBytes}, with {@link #RECORD_OVERHEAD_BYTES} to spare for the key, headers and batch framing.
 * Both sizes are computed from the spec ({@link StateSizes#maxEncodedSize},
 * {@link JsonStateCodec#maxEncodedSize}), in {@code long}, before anything is allocated, so a spec that passes
 * {@link #check} can always be created, learned, stored and published.
 *
 * @param maxParameters   parameter cap, 1..{@link ModelSpec#MAX_PARAMETERS}
 * @param maxMessageBytes the {@code max.message.bytes} of the changelog and {@code model-parameters} topics, and
 *                        the producer's {@code max.request.size}; {@link #MIN_MESSAGE_BYTES}..{@link
 *                        #MAX_MESSAGE_BYTES}
 */
public record StateLimits(long maxParameters, int maxMessageBytes) {

    /** Default parameter cap. */
    public static final long DEFAULT_MAX_PARAMETERS = 10_000_000L;
    /** Default record limit: 8 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 << 20;
    /** Smallest record limit. */
    public static final int MIN_MESSAGE_BYTES = 64 << 10;
    /** Largest record limit: 1 GiB. */
    public static final int MAX_MESSAGE_BYTES = 1 << 30;
    /** Room kept in every record for its key (a model id), headers and the record batch's framing. */
    public static final int RECORD_OVERHEAD_BYTES = 16 << 10;
    /** The defaults. */
    public static final StateLimits DEFAULT = new StateLimits(DEFAULT_MAX_PARAMETERS, DEFAULT_MAX_MESSAGE_BYTES);

    /** Validates both fields; an error names the configuration key. */
    public StateLimits {
        if (maxParameters < 1 || maxParameters > ModelSpec.MAX_PARAMETERS) {
            throw new IllegalArgumentException("model.max.parameters: must be in 1.." + ModelSpec.MAX_PARAMETERS
                    + ", got " + maxParameters);
        }
        if (maxMessageBytes < MIN_MESSAGE_BYTES || maxMessageBytes > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("model.max.message.bytes: must be in " + MIN_MESSAGE_BYTES + ".."
                    + MAX_MESSAGE_BYTES + ", got " + maxMessageBytes);
        }
    }

    /** The largest record value the service writes: {@code maxMessageBytes − RECORD_OVERHEAD_BYTES}. */
    public int maxValueBytes() {
        return maxMessageBytes - RECORD_OVERHEAD_BYTES;
    }

    /**
     * Checks that a model {@code modelId} with {@code spec} fits these limits.
     *
     * @throws SpecException naming the field that makes the model too large ({@code features}, {@code hashBits},
     *                       {@code architecture.hidden} or {@code metrics.window}), the size and the limit
     */
    public void check(String modelId, ModelSpec spec) {
        long params = spec.parameterCount();
        if (params > maxParameters) {
            throw new SpecException(spec.sizeField(), spec.sizeField() + ": the model would have " + params
                    + " parameters (" + shape(spec) + "), more than the " + maxParameters
                    + " allowed by model.max.parameters");
        }
        for (int i = 0; i < spec.challengers().size(); i++) {
            ModelSpec c = spec.challengers().get(i).spec();
            long n = c.parameterCount();
            if (n > maxParameters) {
                String field = "challengers[" + i + "].spec." + c.sizeField();
                throw new SpecException(field, field + ": the challenger would have " + n + " parameters ("
                        + shape(c) + "), more than the " + maxParameters + " allowed by model.max.parameters");
            }
        }
        long binary = StateSizes.maxEncodedSize(modelId, spec);
        long json = JsonStateCodec.maxEncodedSize(modelId, spec);
        long largest = Math.max(binary, json);
        if (largest > maxValueBytes()) {
            String field = 8L * spec.metrics().window() > binary / 2 ? "metrics.window" : spec.sizeField();
            throw new SpecException(field, field + ": the model's snapshot would take up to " + largest
                    + " bytes (changelog record " + binary + ", model-parameters record " + json + "; "
                    + shape(spec) + "), more than the " + maxValueBytes() + " that fit a record of "
                    + "model.max.message.bytes " + maxMessageBytes + "; use fewer features, classes, hidden units"
                    + " or optimizer slots, or raise model.max.message.bytes");
        }
    }

    private static String shape(ModelSpec spec) {
        StringBuilder b = new StringBuilder();
        b.append(spec.features() != null ? "features " + spec.features() : "hashBits " + spec.hashBits());
        if (spec.classes() != null) {
            b.append(", classes ").append(spec.classes());
        }
        if (spec.architecture().type().equals("mlp")) {
            b.append(", hidden ").append(spec.architecture().hidden());
        }
        b.append(", optimizer ").append(spec.optimizer().type());
        return b.toString();
    }
}
