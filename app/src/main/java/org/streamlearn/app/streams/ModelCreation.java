package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private final TopologyFactory.Settings settings;
    private final Emissions out;

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
        ObjectNode t = settings.defaultSpec().deepCopy();
        if (!t.has("features") && !t.has("hashBits")) {
            if (e.dense() == null) {
                throw new InvalidEventException("features", "named features need a spec with hashBits: send an "
                        + "upsert command for model '" + id + "' first, or set hashBits in the default spec");
            }
            t.put("features", e.dense().length);
        }
        try {
            return ModelSpecs.fromTree(t);
        } catch (SpecException ex) {
            throw new InvalidEventException("default.spec", ex.getMessage());
        }
    }
}
