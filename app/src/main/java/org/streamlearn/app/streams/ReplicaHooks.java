package org.streamlearn.app.streams;

import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.replica.Spreading;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ReplicasSpec;
import org.streamlearn.store.state.ModelState;

/**
 * What {@link ModelLifecycle} does differently for a model with replicas (DESIGN.md "Replicas"), as a plain
 * class sharing its {@link Emissions}: its creation is announced to the merge step, a training event is spread to
 * a replica instead of learned, a spec change or a reset that the replicas could not follow is refused, and a
 * delete removes the replicas' and the merge step's state too. Every record it sends carries the model's
 * generation ({@link Counters}: the id's creations with replicas numbered 1, 2, ...), so that the replicas and the
 * merge step tell a model created again under its id from the deleted one. The counters are reached through an
 * interface the processor implements over its store ({@link #withCounters}), so no Kafka type appears here.
 *
 * <p>Not thread-safe: one per lifecycle.
 */
final class ReplicaHooks {

    /** A replicated model's generation and round-robin count, kept by training (changelogged). */
    interface Counters {
        /** Model {@code model} was created with replicas: returns its new generation, one more than the last. */
        long created(String model);

        /** The generation of {@code model} now (0 before its first creation with replicas). */
        long generation(String model);

        /** Returns and advances the count of {@code model}'s events without an id (its round-robin position). */
        long nextCount(String model);

        /** Model {@code model} was deleted: its count goes back to zero, its generation stays. */
        void deleted(String model);
    }

    private final Emissions out;
    private Counters counters;

    ReplicaHooks(Emissions out) {
        this.out = out;
    }

    /** Spreads with {@code counters}; without them, a replicated model's events are rejected. */
    void withCounters(Counters counters) {
        this.counters = counters;
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
        if (counters == null) {
            out.reject(id, "replicas", "replicas: this processor does not spread events");
            return true;
        }
        int i = e.id() != null ? Spreading.ofId(e.id(), replicas.count())
                : Spreading.ofCounter(counters.nextCount(id), replicas.count());
        out.replica(Emissions.Kind.REPLICA_EVENT, ReplicaRecords.replicaKey(id, i), s.specJsonBytes(),
                counters.generation(id));
        return true;
    }

    /**
     * Model {@code s} was created: when it has replicas, it starts a new generation, and the merge step is told
     * its version, generation and spec (it merges reports of that generation only, and numbers the merged versions
     * from the version). Without counters (a lifecycle that does not spread) its generation is 0.
     */
    void created(ModelState s) {
        if (s.spec().replicas() != null) {
            long g = counters == null ? 0 : counters.created(s.modelId());
            out.replica(Emissions.Kind.REPLICA_MODEL, s.modelId(), ReplicaRecords.modelEntry(s.version(), g,
                    s.specJsonBytes()), g);
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
     * Model {@code id} with {@code spec} was deleted: when it had replicas, the spreading's count is reset (the
     * generation kept) and the merge step and each replica get a tombstone of its generation, so that a model
     * created again under this id finds none of their state.
     */
    void deleted(String id, ModelSpec spec) {
        ReplicasSpec replicas = spec.replicas();
        if (replicas == null) {
            return;
        }
        long g = 0;
        if (counters != null) {
            g = counters.generation(id);
            counters.deleted(id);
        }
        out.replica(Emissions.Kind.REPLICA_MODEL, id, null, g);
        for (int i = 0; i < replicas.count(); i++) {
            out.replica(Emissions.Kind.REPLICA_EVENT, ReplicaRecords.replicaKey(id, i), null, g);
        }
    }
}
