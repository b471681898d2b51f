package org.streamlearn.app.streams;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.replica.Replica;
import org.streamlearn.core.replica.ReplicaReport;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * A replica of a replicated model (DESIGN.md "Replicas"), keyed {@code <model>#r<i>}: it learns the events
 * spread to it with the ordinary path, reports every round to the merge step ({@code replica-reports}, keyed by
 * the model), and adopts the merge of round r (sent back on {@code replica-events} with a round header) when it
 * begins round r + 2, holding its events back in the {@value ReplicaRecords#STORE} store until that merge has
 * come. {@code replica-events} is the one input of its sub-topology, so a task never waits between inputs. The
 * protocol is learning-core's {@link Replica}, the same as the backtest's, so the live replicas learn bit for bit
 * what the backtest's do from the same events in the same order. Everything it keeps (its model, bookkeeping, held events,
 * merges not yet adopted) is in the changelogged store, so under exactly-once a crash replays it exactly. A
 * tombstone on {@code replica-events} (the model was deleted) removes all of it, so that a model created again
 * under the same id starts with fresh replicas; a merge for a replica that does not exist is ignored.
 *
 * <p>Generations ({@link ReplicaRecords#GENERATION_HEADER}): a replica is created for the generation of the event
 * that creates it and keeps it in its bookkeeping; its reports carry it. A merge or a tombstone of another
 * generation than the replica's is ignored (a merge of a deleted model that arrives after the id was created
 * again; a tombstone is only ever of the replica's own generation or a newer one, since training sends it before
 * any event of the next). An event of an older generation is a dead letter (field {@code replicas}); an event of a
 * newer generation means its model was deleted and created again without the tombstone having reached this
 * replica: the replica forgets everything, as at a tombstone, and starts fresh as that generation with the event.
 * Every rule reads only the record and the replica's own stores, so it is the same on a replay.
 */
final class ReplicaProcessor implements Processor<String, byte[], String, byte[]> {

    private final TopologyFactory.Settings settings;
    private final TrainingMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private ModelStore replicaModels;
    private final Map<String, Loaded> cache = new HashMap<>();
    private EmissionSender sender;

    ReplicaProcessor(TopologyFactory.Settings settings, TrainingMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(ReplicaRecords.STORE);
        this.replicaModels = context.getStateStore(ReplicaRecords.MODELS_STORE);
        this.cache.clear(); // a revived task restores its stores: nothing cached may outlive them
        this.sender = new EmissionSender(context, settings, metrics, "replica", ReplicaTopology.REPLICA);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        boolean merge = ReplicaRecords.hasRound(record.headers());
        try {
            long generation = ReplicaRecords.generationOf(record.headers());
            if (merge) {
                Loaded r = load(record.key(), null, generation);
                // else the model was deleted (its merges may still come) or created again: nothing to keep
                if (r != null && r.generation == generation) {
                    store.put(ReplicaRecords.mergedKey(record.key(), ReplicaRecords.roundOf(record.headers())),
                            record.value());
                    pump(r, now);
                    save(r);
                }
                return;
            }
            if (record.value() == null) {
                Loaded r = load(record.key(), null, generation);
                if (r != null && r.generation <= generation) {
                    forget(record.key());
                }
                return;
            }
            onEvent(record, generation, now);
        } catch (KafkaException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            sender.failed(record, ex, now);
            if (!merge) {
                metrics.eventRejected();
            }
        }
    }

    /** The model was deleted: the replica forgets its model, bookkeeping, held events and merges. */
    private void forget(String key) {
        cache.remove(key);
        replicaModels.remove(key);
        ReplicaRecords.forgetReplica(store, key);
    }

    /** A dead letter for an event the replica does not learn, counted as a rejected event. */
    private void reject(String model, String field, String reason, Record<String, byte[]> record, long now) {
        sender.deadLetter(model, field, reason, record, now);
        metrics.deadLetter(field);
        metrics.eventRejected();
    }

    /**
     * A replica's round bookkeeping and held-events window, cached between events (its model is in the
     * {@value ReplicaRecords#MODELS_STORE} store's own cache) and its generation. {@link #save} writes the four
     * counters and the generation every event (40 bytes) and the reported parameters only when they change (once
     * a round).
     */
    private static final class Loaded {
        final String key;
        final Replica replica;
        final long generation;
        long heldHead;
        long heldTail;
        boolean reportsChanged;

        Loaded(String key, Replica replica, long heldHead, long heldTail, long generation) {
            this.key = key;
            this.replica = replica;
            this.heldHead = heldHead;
            this.heldTail = heldTail;
            this.generation = generation;
        }
    }

    private void onEvent(Record<String, byte[]> record, long generation, long now) {
        Header h = record.headers().lastHeader(ReplicaRecords.SPEC_HEADER);
        String model = ReplicaRecords.modelOf(record.key());
        byte[] specJson = h == null ? null : h.value();
        Loaded r;
        try {
            r = load(record.key(), specJson, generation);
            if (r != null && r.generation > generation) {
                reject(model, "replicas", "replica " + r.key + " is of generation " + r.generation + " of its"
                        + " model; an event of generation " + generation + " (deleted since) is not learned", record,
                        now);
                return;
            }
            if (r != null && r.generation < generation) { // deleted and created again: start fresh as the new one
                forget(record.key());
                r = load(record.key(), specJson, generation);
            }
        } catch (SpecException ex) {
            reject(model, "spec", ex.getMessage(), record, now);
            return;
        }
        if (r == null) {
            reject(model, "spec", "replica event without its spec", record, now);
            return;
        }
        if (r.replica.waiting() || r.heldHead < r.heldTail) {
            if (r.heldTail - r.heldHead >= ReplicaRecords.MAX_HELD) {
                reject(ReplicaRecords.modelOf(r.key), "replicas", "replica " + r.key + " already holds "
                        + ReplicaRecords.MAX_HELD + " events back while it waits for merge "
                        + r.replica.awaitedRound() + "; event not learned", record, now);
                return;
            }
            store.put(ReplicaRecords.heldKey(r.key, r.heldTail++), record.value());
        } else {
            learn(r, record, now);
        }
        pump(r, now);
        save(r);
    }

    /** Adopts the merges that are due and learns held events, until the replica waits for a missing merge. */
    private void pump(Loaded r, long now) {
        while (true) {
            if (r.replica.waiting()) {
                String mk = ReplicaRecords.mergedKey(r.key, r.replica.awaitedRound());
                byte[] merged = store.get(mk);
                if (merged == null) {
                    return;
                }
                LiveModel m = replicaModels.model(r.key);
                r.replica.adopt(r.replica.awaitedRound(), ReplicaRecords.paramsOf(merged),
                        m.state().learned().params());
                replicaModels.markDirty(m);
                r.reportsChanged = true;
                store.delete(mk);
            }
            if (r.heldHead == r.heldTail) {
                return;
            }
            String hk = ReplicaRecords.heldKey(r.key, r.heldHead++);
            byte[] held = store.get(hk);
            store.delete(hk);
            learn(r, new Record<>(r.key, held, now), now);
        }
    }

    private void learn(Loaded r, Record<String, byte[]> record, long now) {
        String model = ReplicaRecords.modelOf(r.key);
        LiveModel m = replicaModels.model(r.key);
        ParsedEvent e;
        try {
            e = EventParser.parseTraining(record.value());
            m.encoder().learn(m.state().learner(), e);
        } catch (InvalidEventException ex) {
            reject(model, ex.field(), ex.getMessage(), record, now);
            return;
        }
        m.state().touch(now);
        replicaModels.markDirty(m);
        metrics.eventLearned();
        ReplicaReport report = r.replica.onLearned(m.state().learned());
        if (report != null) {
            r.reportsChanged = true;
            ModelState s = ModelState.restore(r.key, m.state().spec(), report.state(), 0, now, 0);
            context.forward(new Record<>(model, BinaryStateCodec.encode(s), now,
                    ReplicaRecords.round(report.round(), r.generation)), ReplicaTopology.REPLICA_REPORTS_SINK);
        }
    }

    /**
     * The replica {@code key}, cached or read from the stores; else created with the spec {@code specJson} (a
     * spread event's header, parsed only then) for {@code generation}; null when unknown and no spec is given.
     *
     * @throws SpecException when the replica must be created and its spec is not valid
     */
    private Loaded load(String key, byte[] specJson, long generation) {
        Loaded cached = cache.get(key);
        if (cached != null && replicaModels.model(key) != null) {
            return cached;
        }
        LiveModel m = replicaModels.model(key);
        if (m == null) {
            // the spec (JSON, a header of every spread event) is parsed only to create the replica
            ModelSpec spec = specJson == null ? null
                    : ModelSpecs.parse(new String(specJson, StandardCharsets.UTF_8));
            if (spec == null || spec.replicas() == null) {
                return null;
            }
            m = replicaModels.save(ModelState.create(key, spec, context.currentSystemTimeMs()));
        }
        int syncEvery = m.state().spec().replicas().syncEvery();
        byte[] book = store.get(ReplicaRecords.bookKey(key));
        Loaded r;
        if (book == null) {
            r = new Loaded(key, new Replica(ReplicaRecords.indexOf(key), syncEvery), 0, 0, generation);
        } else {
            ReplicaRecords.Book b = ReplicaRecords.bookOf(book, store.get(ReplicaRecords.reportedKey(key)),
                    ReplicaRecords.indexOf(key), syncEvery);
            r = new Loaded(key, b.replica(), b.heldHead(), b.heldTail(), b.generation());
        }
        cache.put(key, r);
        return r;
    }

    /** Writes the bookkeeping (the model itself is written behind, before the commit, by its store). */
    private void save(Loaded r) {
        store.put(ReplicaRecords.bookKey(r.key), ReplicaRecords.book(r.replica, r.heldHead, r.heldTail,
                r.generation));
        if (r.reportsChanged) {
            store.put(ReplicaRecords.reportedKey(r.key), ReplicaRecords.reported(r.replica));
            r.reportsChanged = false;
        }
    }
}
