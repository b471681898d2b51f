package org.streamlearn.app.backtest.replicas;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.core.replica.MergeStep;
import org.streamlearn.core.replica.Merged;
import org.streamlearn.core.replica.ParameterMixing;
import org.streamlearn.core.replica.Replica;
import org.streamlearn.core.replica.ReplicaReport;
import org.streamlearn.core.replica.Spreading;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.state.ModelState;

/**
 * One replicated model learning a stream in one process, by the protocol of the live topology (DESIGN.md
 * "Replicas", {@code org.streamlearn.core.replica}): each event goes to the replica {@link Spreading} names; a
 * replica that waits for a merge holds its events back, in order, and learns them once it has adopted it; every
 * completed round goes to the {@link MergeStep}. Since every replica's result depends only on its own events'
 * order, this gives the live merged parameters bit for bit when the events reach the replicas in the same order.
 *
 * <p>What the run shows as its model ({@link #model()}): the latest merged model, with the progressive metrics
 * and rolling loss of every event in stream order (the model's own progressive validation, whichever replica
 * scored the event). At the end of the stream ({@link #finish}) held events are learned without waiting for a
 * merge the stream will never complete, open mini-batches are applied, and a closing merge of every replica's
 * current state (weighted by updates, as a round) gives the final model. With one replica that final model is
 * the unreplicated model's, bit for bit.
 */
public final class ReplicatedRun {

    private final String name;
    private final ModelSpec spec;
    private final ExampleEncoder encoder;
    private final ModelState[] replicas;
    private final Replica[] books;
    private final List<ArrayDeque<ParsedEvent>> held = new ArrayList<>();
    private final Spreading spreading;
    private final MergeStep merge;
    private final TreeMap<Long, double[]> merges = new TreeMap<>();
    private final ProgressiveMetrics metrics = new ProgressiveMetrics();
    private final RollingLoss rolling;
    private final Consumer<Merged> onMerged;
    private ModelState model;

    /** A fresh run of {@code spec}, which has replicas, named {@code name}. */
    public ReplicatedRun(String name, ModelSpec spec) {
        this(name, spec, m -> { });
    }

    /** As {@link #ReplicatedRun(String, ModelSpec)}, telling {@code onMerged} of every merged round. */
    public ReplicatedRun(String name, ModelSpec spec, Consumer<Merged> onMerged) {
        if (spec.replicas() == null) {
            throw new IllegalArgumentException("spec " + name + " has no replicas");
        }
        int r = spec.replicas().count();
        this.name = name;
        this.spec = spec;
        this.encoder = new ExampleEncoder(spec);
        this.replicas = new ModelState[r];
        this.books = new Replica[r];
        for (int i = 0; i < r; i++) {
            replicas[i] = ModelState.create(name + "#r" + i, spec, 0);
            books[i] = new Replica(i, spec.replicas().syncEvery());
            held.add(new ArrayDeque<>());
        }
        this.spreading = new Spreading(r);
        this.merge = new MergeStep(r);
        this.rolling = new RollingLoss(spec.metrics().window(), spec.metrics().ewmaAlpha());
        this.onMerged = onMerged;
        this.model = view(replicas[0].learned().copy());
    }

    /** A run for a backtest with {@code labelDelay}; a label delay is not supported with replicas yet. */
    public static ReplicatedRun checked(String name, ModelSpec spec, int labelDelay) {
        if (labelDelay > 0) {
            throw new IllegalArgumentException("--label-delay: not supported yet with replicas (spec " + name + ")");
        }
        return new ReplicatedRun(name, spec);
    }

    /**
     * Spreads one event read from source partition {@code partition} to its replica, which learns it now or
     * holds it until it has adopted the merge it waits for.
     *
     * @throws org.streamlearn.app.events.InvalidEventException when the event does not fit the spec (nothing
     *         learned; the spreading counter has counted it, as the live spreading step does)
     * @return the model shown ({@link #model()})
     */
    public ModelState learn(ParsedEvent e, int partition, long atMs) {
        int i = spreading.replicaOf(e.id(), partition);
        double[] x = encoder.features(e);
        double y = encoder.label(e);
        try {
            replicas[i].learner().validate(x, y, e.weight());
        } catch (InvalidExampleException ex) {
            throw encoder.named(ex, e);
        }
        held.get(i).addLast(e);
        pump(atMs);
        return model;
    }

    /** Learns the held events of every replica that can, adopting merges as they become due, until none can. */
    private void pump(long atMs) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < replicas.length; i++) {
                ArrayDeque<ParsedEvent> q = held.get(i);
                while (!q.isEmpty()) {
                    if (books[i].waiting()) {
                        double[] m = merges.get(books[i].awaitedRound());
                        if (m == null) {
                            break;
                        }
                        books[i].adopt(books[i].awaitedRound(), m, replicas[i].learned().params());
                    }
                    learnOn(i, q.removeFirst(), atMs, true);
                    progress = true;
                }
            }
        }
        long oldest = Long.MAX_VALUE;
        for (Replica b : books) {
            oldest = Math.min(oldest, b.round() - 2);
        }
        merges.headMap(oldest).clear();
    }

    private void learnOn(int i, ParsedEvent e, long atMs, boolean rounds) {
        Outcome o = encoder.learn(replicas[i].learner(), e);
        record(o, encoder.label(e));
        replicas[i].touch(atMs);
        if (!rounds) {
            return;
        }
        ReplicaReport report = books[i].onLearned(replicas[i].learned());
        if (report != null) {
            for (Merged m : merge.add(report)) {
                merges.put(m.round(), m.state().params());
                model = view(m.state());
                onMerged.accept(m);
            }
        }
    }

    private void record(Outcome o, double y) {
        switch (spec.task()) {
            case REGRESSION -> metrics.addRegression(y, o.prediction());
            case BINARY -> metrics.addBinary((int) y, o.label(), o.loss());
            default -> metrics.addMulticlass((int) y, o.label(), o.loss());
        }
        rolling.add(o.loss());
    }

    /** The merged state {@code m} shown with the stream-order metrics and rolling loss. */
    private ModelState view(LearnerState m) {
        LearnerState v = new LearnerState(m.params(), m.optimizer(), m.scaler(), metrics, rolling,
                m.batchGradient(), 0, m.seen(), m.refused(), m.timedFlushes());
        return ModelState.restore(name, spec, v, merge.next(), 0, 0);
    }

    /** Ends the stream (see the class comment) and returns the final model. */
    public ModelState finish(long atMs) {
        for (int i = 0; i < replicas.length; i++) {
            ArrayDeque<ParsedEvent> q = held.get(i);
            while (!q.isEmpty()) {
                learnOn(i, q.removeFirst(), atMs, false);
            }
            replicas[i].learner().flush();
        }
        List<LearnerState> states = new ArrayList<>();
        for (ModelState r : replicas) {
            states.add(r.learned());
        }
        model = view(ParameterMixing.merge(states));
        return model;
    }

    /** The model shown: the latest merge (see the class comment). */
    public ModelState model() {
        return model;
    }

    /** Replica {@code i}'s own model, live. */
    public ModelState replica(int i) {
        return replicas[i];
    }

    /** Replica {@code i}'s round bookkeeping, live. */
    public Replica book(int i) {
        return books[i];
    }
}
