package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;
import org.streamlearn.store.state.ModelState;

/**
 * The creation policy of {@link ModelLifecycle} for a training event of an unknown model: the seeded spec for
 * its id ({@code --spec-dir}), else the default spec template with the event's dimension; the spec must fit
 * {@link TopologyFactory.Settings#limits()} and the event must fit the new model, else nothing is created and
 * the rejection is added to the lifecycle's {@link Emissions}.
 */
final class ModelCreation {

    /** The most default specs kept, one per dimension seen. */
    private static final int MAX_DEFAULT_SPECS = 64;

    private final TopologyFactory.Settings settings;
    private final Emissions out;
    /**
     * The default spec by the dimension it was completed with ({@code -1}: the template's own features or
     * hashBits). A spec is immutable, so every model created from the template shares one instance: without it,
     * each of 100,000 new models paid for a copy of the template, its parsing and validation (docs/benchmarks.md,
     * figure 2).
     */
    private final Map<Integer, ModelSpec> defaultSpecs = new HashMap<>();

    ModelCreation(TopologyFactory.Settings settings, Emissions out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * The model (not yet saved) that the event {@code e} for the unknown model {@code id} creates, checked
     * against the event; null after adding the rejection.
     */
    ModelState forEvent(String id, ParsedEvent e, long now) {
        ModelState created;
        try {
            created = ModelState.create(id, specForNewModel(id, e), now, settings.limits());
        } catch (InvalidEventException ex) {
            out.reject(id, ex.field(), ex.getMessage());
            return null;
        } catch (SpecException ex) {
            out.reject(id, "spec." + ex.field(), "spec." + ex.getMessage()
                    + " (the spec this event's model would be created with)");
            return null;
        }
        ExampleEncoder enc = new ExampleEncoder(created.spec());
        try {
            created.learner().validate(enc.features(e), enc.label(e), e.weight());
        } catch (InvalidEventException ex) {
            out.reject(id, ex.field(), ex.getMessage());
            return null;
        } catch (InvalidExampleException ex) {
            InvalidEventException named = enc.named(ex, e);
            out.reject(id, named.field(), named.getMessage());
            return null;
        }
        return created;
    }

    private ModelSpec specForNewModel(String id, ParsedEvent e) {
        ModelSpec seeded = settings.seedSpecs().get(id);
        if (seeded != null) {
            return seeded;
        }
        ObjectNode template = settings.defaultSpec();
        int dimension = -1;
        if (!template.has("features") && !template.has("hashBits")) {
            if (e.dense() == null) {
                throw new InvalidEventException("features", "named features need a spec with hashBits: send an "
                        + "upsert command for model '" + id + "' first, or set hashBits in the default spec");
            }
            dimension = e.dense().length;
        }
        ModelSpec spec = defaultSpecs.get(dimension);
        if (spec == null) {
            ObjectNode t = template.deepCopy();
            if (dimension >= 0) {
                t.put("features", dimension);
            }
            try {
                spec = ModelSpecs.fromTree(t);
            } catch (SpecException ex) {
                throw new InvalidEventException("default.spec", ex.getMessage());
            }
            if (defaultSpecs.size() >= MAX_DEFAULT_SPECS) {
                defaultSpecs.clear(); // events of many dimensions: bound the map, not the models
            }
            defaultSpecs.put(dimension, spec);
        }
        return spec;
    }
}
