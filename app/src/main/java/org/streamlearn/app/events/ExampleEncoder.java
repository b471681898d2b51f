package org.streamlearn.app.events;

import java.util.List;
import java.util.Map;
import org.streamlearn.core.feature.FeatureHasher;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.core.model.Task;

/**
 * Turns a {@link ParsedEvent} into the learning core's dense example for one spec: named features hashed into
 * {@code 2^hashBits} slots, binary labels from 0/1/true/false, multiclass labels from an index or a class name,
 * then the learner's own checks (dimension, magnitudes, label range). Reuses one buffer: not thread-safe.
 */
public final class ExampleEncoder {

    private final ModelSpec spec;
    private final FeatureHasher hasher;
    private final double[] hashed;

    /** An encoder for {@code spec}. */
    public ExampleEncoder(ModelSpec spec) {
        this.spec = spec;
        this.hasher = spec.hashBits() != null ? new FeatureHasher(spec.hashBits()) : null;
        this.hashed = hasher != null ? new double[hasher.dimension()] : null;
    }

    /** The features as the model's dense input (may be the event's own array or this encoder's buffer). */
    public double[] features(ParsedEvent e) {
        if (e.named() != null) {
            if (hasher == null) {
                throw new InvalidEventException("features", "named features need a spec with hashBits; this model "
                        + "expects an array of " + spec.features() + " numbers");
            }
            hasher.transform(e.named(), hashed);
            return hashed;
        }
        double[] x = e.dense();
        if (x.length != spec.dimension()) {
            throw new InvalidEventException("features", "expected " + spec.dimension() + " values, got " + x.length);
        }
        return x;
    }

    /** The numeric label for the learner. */
    public double label(ParsedEvent e) {
        if (!e.hasLabel()) {
            throw new InvalidEventException("label", "missing");
        }
        if (e.labelText() != null) {
            if (spec.task() == Task.MULTICLASS) {
                List<String> names = spec.classNames();
                int idx = names == null ? -1 : names.indexOf(e.labelText());
                if (idx < 0) {
                    throw new InvalidEventException("label", "unknown class '" + e.labelText() + "'"
                            + (names == null ? " (the spec has no classNames; use a class index)"
                            : " (expected one of " + String.join(", ", names) + ")"));
                }
                return idx;
            }
            throw new InvalidEventException("label", "must be a number for task " + spec.task().logicalName()
                    + ", got string \"" + e.labelText() + "\"");
        }
        return e.label();
    }

    /**
     * Encodes and learns one event with {@code learner}; errors name the field.
     *
     * @throws InvalidEventException when the event does not fit the spec (the model is untouched)
     */
    public org.streamlearn.core.model.Outcome learn(OnlineLearner learner, ParsedEvent e) {
        double[] x = features(e);
        double y = label(e);
        try {
            return learner.learn(x, y, e.weight());
        } catch (InvalidExampleException ex) {
            throw named(ex, e);
        }
    }

    /**
     * The learner's error about an example, as an event error naming the event's own field: a hashed slot
     * ({@code features[27]}) of an event with named features becomes the name of the feature that put the
     * offending value there ({@code features.price}; of several names sharing the slot, the largest in
     * magnitude).
     */
    public InvalidEventException named(InvalidExampleException ex, ParsedEvent e) {
        String field = ex.field();
        String problem = ex.getMessage().substring(field.length() + 2);
        Map<String, Double> named = e.named();
        if (named != null && hasher != null && field.startsWith("features[") && field.endsWith("]")) {
            int slot;
            try {
                slot = Integer.parseInt(field.substring("features[".length(), field.length() - 1));
            } catch (NumberFormatException nfe) {
                return new InvalidEventException(field, problem);
            }
            String best = null;
            double bestAbs = -1;
            for (Map.Entry<String, Double> f : named.entrySet()) {
                double a = Math.abs(f.getValue());
                if (!(a <= bestAbs) && hasher.slotOf(f.getKey()) == slot) {
                    best = f.getKey();
                    bestAbs = a;
                }
            }
            if (best != null) {
                int exceeds = problem.indexOf(" exceeds ");
                String shown = problem.startsWith("magnitude ") && exceeds > 0
                        ? "magnitude " + named.get(best) + problem.substring(exceeds) : problem;
                return new InvalidEventException("features." + best, shown + " (hashed into slot " + slot + ")");
            }
        }
        return new InvalidEventException(field, problem);
    }

}
