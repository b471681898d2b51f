package org.streamlearn.app.streams;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.replica.ParameterMixing;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * The merge step of replicated models (DESIGN.md "Replicas"), keyed by the model id, in a sub-topology of its own
 * whose one input is {@code replica-reports}. Training tells it of a model's creation (version and spec) and
 * deletion (a tombstone) there; it keeps each round's reports in its {@value ReplicaRecords#ROUNDS_STORE} store,
 * and once every replica has reported the next round it merges them ({@link ParameterMixing#merge}, in replica
 * order), publishes the merged snapshot to {@code model-parameters}, writes the merged model and the progress to
 * {@code replica-merged} (which serving reads as a global store) and sends the merged parameters back to every
 * replica on {@code replica-events}, each with the model's generation. A report of a round already merged is
 * ignored; a report for a model it does not know (deleted, or never created), of another generation (a replica
 * of a deleted model reporting late, after the id was created again) or of another spec, too. At a delete it
 * publishes a tombstone on
 * {@code model-parameters} as training does: a merge of reports sent before the delete may have been published
 * after training's. Its tombstone may in turn come after the snapshot training published when the id was
 * created again, so when a deleted model is created again it publishes the new model's creation snapshot once
 * more, after its tombstone and before any merge of the new model (whose reports follow the creation on
 * {@code replica-reports}).
 */
final class ReplicaMergeProcessor implements Processor<String, byte[], String, byte[]> {

    private final TopologyFactory.Settings settings;
    private final TrainingMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private EmissionSender sender;
    private final Emissions out = new Emissions();
    private final Publishing publish = new Publishing(out, null);

    ReplicaMergeProcessor(TopologyFactory.Settings settings, TrainingMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(ReplicaRecords.ROUNDS_STORE);
        this.sender = new EmissionSender(context, settings, metrics, "replica", ReplicaTopology.MERGE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        try {
            String model = record.key();
            if (record.value() == null) { // deleted: forget its rounds; serving forgets the merged model
                ReplicaRecords.forgetRounds(store, model);
                store.put(ReplicaRecords.deletedKey(model), new byte[0]);
                merged(model, null, now);
                context.forward(new Record<String, byte[]>(ReplicaRecords.progressRecordKey(model), null, now),
                        ReplicaTopology.MERGED_SINK);
                // again after any merge published since training's tombstone, so that none outlives the delete
                context.forward(new Record<String, byte[]>(model, null, now), ReplicaTopology.MERGE_PARAMETERS_SINK);
            } else if (!ReplicaRecords.hasRound(record.headers())) { // created
                store.put(ReplicaRecords.modelKey(model), record.value());
                if (store.get(ReplicaRecords.deletedKey(model)) != null) { // created again: see the class comment
                    store.delete(ReplicaRecords.deletedKey(model));
                    republishCreated(record, now);
                }
            } else {
                merge(record, now);
            }
        } catch (KafkaException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            sender.failed(record, ex, now);
        }
    }

    private void merge(Record<String, byte[]> record, long now) {
        String model = record.key();
        byte[] entry = store.get(ReplicaRecords.modelKey(model));
        if (entry == null || ReplicaRecords.generationOf(entry) != ReplicaRecords.generationOf(record.headers())) {
            return;
        }
        ModelState report = BinaryStateCodec.decode(record.value());
        ModelSpec spec = ReplicaRecords.specOf(entry);
        if (!spec.equals(report.spec())) {
            return;
        }
        int count = spec.replicas().count();
        ReplicaProgress progress = ReplicaProgress.decode(store.get(ReplicaRecords.progressKey(model)), count);
        long next = progress.mergedRounds();
        long round = ReplicaRecords.roundOf(record.headers());
        if (round < next) {
            return;
        }
        int index = ReplicaRecords.indexOf(report.modelId());
        progress = progress.withReport(index, round, report.learned().seen());
        store.putIfAbsent(ReplicaRecords.reportKey(model, round, index), record.value());
        while (true) {
            List<LearnerState> reports = new ArrayList<>(count);
            for (int i = 0; i < count && reports.size() == i; i++) {
                byte[] b = store.get(ReplicaRecords.reportKey(model, next, i));
                if (b != null) {
                    reports.add(BinaryStateCodec.decode(b).learned());
                }
            }
            if (reports.size() < count) {
                break;
            }
            for (int i = 0; i < count; i++) {
                store.delete(ReplicaRecords.reportKey(model, next, i));
            }
            LearnerState mixed = ParameterMixing.merge(reports);
            ModelState s = ModelState.restore(model, spec, mixed, ReplicaRecords.versionOf(entry) + next + 1, now,
                    0);
            out.clear();
            publish.snapshot(s, now);
            sender.forward(out, record, now);
            merged(model, BinaryStateCodec.encode(s), now);
            byte[] params = ReplicaRecords.params(mixed.params());
            long generation = ReplicaRecords.generationOf(entry);
            for (int i = 0; i < count; i++) {
                context.forward(new Record<>(ReplicaRecords.replicaKey(model, i), params, now,
                        ReplicaRecords.round(next, generation)), ReplicaTopology.MERGE_EVENTS_SINK);
            }
            next++;
            progress = progress.withMerge();
        }
        byte[] p = progress.bytes();
        store.put(ReplicaRecords.progressKey(model), p);
        context.forward(new Record<>(ReplicaRecords.progressRecordKey(model), p, now), ReplicaTopology.MERGED_SINK);
    }

    /** Publishes the creation snapshot of the model whose creation {@code record} reports, as training did. */
    private void republishCreated(Record<String, byte[]> record, long now) {
        String model = record.key();
        ModelSpec spec = ReplicaRecords.specOf(record.value());
        ModelState fresh = ModelState.create(model, spec, now);
        ModelState s = ModelState.restore(model, spec, fresh.learned(), ReplicaRecords.versionOf(record.value()),
                now, 0);
        out.clear();
        publish.snapshot(s, now);
        sender.forward(out, record, now);
    }

    /** The merged model {@code state} (null: deleted) for serving, on {@code replica-merged}. */
    private void merged(String model, byte[] state, long now) {
        context.forward(new Record<>(model, state, now), ReplicaTopology.MERGED_SINK);
    }
}
