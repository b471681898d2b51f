package org.streamlearn.app.streams;

import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.replica.Spreading;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ReplicasSpec;
import org.streamlearn.store.state.ModelState;

/**
 * What {@link ModelLifecycle} does differently for a model with replicas (DESIGN.md "Replicas"), as a plain
 * class sharing its {@link Emissions}: its creation is announced to the merge step, a training event is spread to
 * a replica instead of learned, a spec change or a reset that the replicas could not follow is refused, and a
 * delete removes the replicas' and the merge step's state too. The spreading's counters are reached through two
 * functions the processor gives ({@link #withStores}), so no Kafka type appears here.
 *
 * <p>Not thread-safe: one per lifecycle.
 */
final class ReplicaHooks {

    private final Emissions out;
    private ToLongFunction<String> counter;
    private Consumer<String> forget = model -> { };

    ReplicaHooks(Emissions out) {
        this.out = out;
    }

    /**
     * Spreads with {@code counter}, which returns and advances a model's count of events without an id (its
     * round-robin position; without it such events are rejected), and calls {@code forget} with the id of a
     * deleted replicated model (to remove its counter).
     */
    void withStores(ToLongFunction<String> counter, Consumer<String> forget) {
        this.counter = counter;
        this.forget = forget;
    }

    /**
     * If {@code s}'s model has replicas, sends event {@code e} to one of them ({@code Spreading}: by its id, else
     * round robin), or rejects it when this lifecycle cannot spread; returns whether the model has replicas (then
     * the event is not learned here).
     */
    boolean spread(ModelState s, ParsedEvent e) {
        ReplicasSpec replicas = s.spec().replicas();
        if (replicas == null) {
            return false;
        }
        String id = s.modelId();
        if (counter == null) {
            out.reject(id, "replicas", "replicas: this processor does not spread events");
            return true;
        }
        int i = e.id() != null ? Spreading.ofId(e.id(), replicas.count())
                : Spreading.ofCounter(counter.applyAsLong(id), replicas.count());
        out.add(Emissions.Kind.REPLICA_EVENT, ReplicaRecords.replicaKey(id, i), s.specJsonBytes());
        return true;
    }

    /**
     * Model {@code s} was created: when it has replicas, the merge step is told its version and spec (it merges
     * reports of that spec only, and numbers the merged versions from it).
     */
    void created(ModelState s) {
        if (s.spec().replicas() != null) {
            out.add(Emissions.Kind.REPLICA_MODEL, s.modelId(), ReplicaRecords.modelEntry(s.version(),
                    s.specJsonBytes()));
        }
    }

    /** Refuses (a rejection) the change of spec {@code from} to {@code to} when either has replicas. */
    boolean refuseSpecChange(String id, ModelSpec from, ModelSpec to) {
        if (from.replicas() == null && to.replicas() == null) {
            return false;
        }
        out.reject(id, "replicas", "replicas: the spec of a model with replicas cannot be changed"
                + " yet (its replicas would keep the old one); delete it and use a new model id");
        return true;
    }

    /** Refuses (a rejection) the reset of {@code s} when it has replicas. */
    boolean refuseReset(ModelState s) {
        if (s.spec().replicas() == null) {
            return false;
        }
        out.reject(s.modelId(), "replicas", "replicas: a model with replicas cannot be reset yet (its replicas"
                + " would keep their state); delete it and use a new model id");
        return true;
    }

    /**
     * Model {@code id} with {@code spec} was deleted: when it had replicas, the spreading's counter is forgotten
     * and the merge step and each replica get a tombstone, so that a model created again under this id finds
     * none of their state.
     */
    void deleted(String id, ModelSpec spec) {
        ReplicasSpec replicas = spec.replicas();
        if (replicas == null) {
            return;
        }
        forget.accept(id);
        out.add(Emissions.Kind.REPLICA_MODEL, id, null);
        for (int i = 0; i < replicas.count(); i++) {
            out.add(Emissions.Kind.REPLICA_EVENT, ReplicaRecords.replicaKey(id, i), null);
        }
    }
}
