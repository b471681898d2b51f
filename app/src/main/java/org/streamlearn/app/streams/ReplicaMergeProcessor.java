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
 * The merge step of replicated models (DESIGN.md "Replicas"), keyed by the model id, on the model's own
 * partition: it keeps each round's reports in the {@value ReplicaRecords#STORE} store, and once every replica has
 * reported the next round it merges them ({@link ParameterMixing#merge}, in replica order), saves the merged
 * model under the model id in the model store (so predictions and HTTP answers come from it), publishes it to
 * {@code model-parameters} and sends its parameters back to every replica on {@code replica-merges}. A report of
 * a round already merged is ignored; a report for a model that is gone, or that no longer has replicas, too.
 */
final class ReplicaMergeProcessor implements Processor<String, byte[], String, byte[]> {

    private final TopologyFactory.Settings settings;
    private final TrainingMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private LiveModels models;
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
        this.store = context.getStateStore(ReplicaRecords.STORE);
        this.models = context.getStateStore(settings.storeName());
        this.sender = new EmissionSender(context, settings, metrics, "replica");
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        try {
            merge(record, now);
        } catch (KafkaException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            sender.failed(record, ex, now);
        }
    }

    private void merge(Record<String, byte[]> record, long now) {
        String model = record.key();
        LiveModel m = models.model(model);
        ModelState report = BinaryStateCodec.decode(record.value());
        ModelSpec spec = m == null ? null : m.state().spec();
        if (spec == null || !spec.equals(report.spec())) {
            return;
        }
        long round = ReplicaRecords.roundOf(record.headers());
        long next = ReplicaRecords.longOf(store.get(ReplicaRecords.nextRoundKey(model)));
        if (round < next) {
            return;
        }
        int count = spec.replicas().count();
        int index = ReplicaRecords.indexOf(report.modelId());
        store.put(ReplicaRecords.progressKey(model), ReplicaProgress.decode(next,
                store.get(ReplicaRecords.progressKey(model)), count).withReport(index, round, report.learned().seen()));
        store.putIfAbsent(ReplicaRecords.reportKey(model, round, ReplicaRecords.indexOf(report.modelId())),
                record.value());
        while (true) {
            List<LearnerState> reports = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] b = store.get(ReplicaRecords.reportKey(model, next, i));
                if (b == null) {
                    return;
                }
                reports.add(BinaryStateCodec.decode(b).learned());
            }
            for (int i = 0; i < count; i++) {
                store.delete(ReplicaRecords.reportKey(model, next, i));
            }
            LearnerState merged = ParameterMixing.merge(reports);
            ModelState s = ModelState.restore(model, spec, merged, m.state().version() + 1, now, 0);
            m = models.save(s);
            out.clear();
            publish.snapshot(s, now);
            sender.forward(out, record, now);
            byte[] params = ReplicaRecords.params(merged.params());
            for (int i = 0; i < count; i++) {
                context.forward(new Record<>(ReplicaRecords.replicaKey(model, i), params, now,
                        ReplicaRecords.round(next)), ReplicaTopology.MERGES_SINK);
            }
            next++;
            store.put(ReplicaRecords.nextRoundKey(model), ReplicaRecords.longBytes(next));
        }
    }
}
