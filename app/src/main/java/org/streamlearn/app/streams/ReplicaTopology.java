package org.streamlearn.app.streams;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.streamlearn.app.config.Topics;

/**
 * The replicas loop of the topology (DESIGN.md "Replicas"; docs/architecture.md "Replicas"):
 *
 * <pre>
 * training ──► replica-events (key &lt;model&gt;#r&lt;i&gt;) ──► replica ──► replica-reports (key: model) ──► replica-merge
 *    │  (created, deleted) ▲                                              ▲                                │
 *    │                     └──────────── merges (header round) ◄──────────┼────────────────────────────────┤
 *    └────────────────────────────────────────────────────────────────────┘  model-parameters, replica-merged ◄┘
 * replica-merged (compacted) ──► global store replica-merged ──► serving (predictions, GET /models/{id})
 * </pre>
 *
 * Each step has its own stores, so Kafka Streams makes three sub-topologies: the main one (training, with the
 * spreading's {@value ReplicaRecords#COUNTERS_STORE} store), the replicas' (its one input {@code replica-events};
 * stores {@value ReplicaRecords#STORE}, {@value ReplicaRecords#MODELS_STORE}) and the merge step's (its one input
 * {@code replica-reports}; store {@value ReplicaRecords#ROUNDS_STORE}). A loop task has one input partition, so it
 * never idles waiting between inputs. The loop's topics are named beside {@code training-events}
 * ({@link Topics#beside}) and have its partition count.
 */
public final class ReplicaTopology {

    /** Training's sinks of the loop. */
    static final String EVENTS_SINK = "replica-events-sink";
    static final String REPORTS_SINK = "replica-reports-sink";
    /** The prefixes of the replica's and the merge step's own sink nodes ({@link TopologyFactory#sink}). */
    static final String REPLICA = "replica-";
    static final String MERGE = "merge-";
    static final String REPLICA_REPORTS_SINK = TopologyFactory.sink(REPLICA, REPORTS_SINK);
    static final String MERGE_EVENTS_SINK = TopologyFactory.sink(MERGE, EVENTS_SINK);
    static final String MERGED_SINK = "merge-replica-merged-sink";
    static final String MERGE_PARAMETERS_SINK = TopologyFactory.sink(MERGE, TopologyFactory.PARAMETERS_SINK);

    private ReplicaTopology() {
    }

    /** {@code replica-events} beside {@code training-events} (see {@link #loopTopic}). */
    static String events(Topics t) {
        return loopTopic(t, "replica-events");
    }

    /** {@code replica-reports} beside {@code training-events} (see {@link #loopTopic}). */
    static String reports(Topics t) {
        return loopTopic(t, "replica-reports");
    }

    /** {@code replica-merged} beside {@code training-events}: compacted, the source of the global store. */
    public static String merged(Topics t) {
        return loopTopic(t, "replica-merged");
    }

    /**
     * A loop topic's name: {@code <prefix>name} for a training topic named {@code <prefix>training-events}, else
     * {@code <training topic>-name}. The loop's topics belong to one application's inputs, so unlike the
     * optional inputs named by {@link Topics#beside} they never fall back to a bare name that another application
     * with other input names would share.
     */
    static String loopTopic(Topics t, String name) {
        String training = t.trainingEvents();
        return training.endsWith("training-events") ? Topics.beside(training, name) : training + "-" + name;
    }

    /**
     * The loop's three topics: the service creates them like its inputs (same partition count, bounded
     * records; {@link #merged} compacted), since every record on them is keyed like the inputs and carries at
     * most a model.
     */
    public static List<String> topics(Topics t) {
        return List.of(events(t), reports(t), merged(t));
    }

    /** Adds the loop's sources, processors, stores and sinks; the processor {@code training} must exist. */
    static void add(Topology topology, TopologyFactory.Settings s, TrainingMetrics metrics,
            Map<String, String> logConfig) {
        Topics t = s.topics();
        StringDeserializer keys = new StringDeserializer();
        ByteArrayDeserializer values = new ByteArrayDeserializer();
        topology.addSource("replica-events-source", keys, values, events(t));
        topology.addSource("replica-reports-source", keys, values, reports(t));
        topology.addProcessor("replica", () -> new ReplicaProcessor(s, metrics), "replica-events-source");
        topology.addProcessor("replica-merge", () -> new ReplicaMergeProcessor(s, metrics),
                "replica-reports-source");
        topology.addStateStore(bytesStore(ReplicaRecords.COUNTERS_STORE, logConfig), "training");
        topology.addStateStore(bytesStore(ReplicaRecords.STORE, logConfig), "replica");
        topology.addStateStore(new ModelStoreBuilder(ReplicaRecords.MODELS_STORE, s.maxCachedModels())
                .withLoggingEnabled(logConfig), "replica");
        topology.addStateStore(bytesStore(ReplicaRecords.ROUNDS_STORE, logConfig), "replica-merge");
        // global: updated by the global thread, outside task idling; replicated models are few (their topic is
        // the store's changelog, so a restore copies its records as they are)
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ReplicaRecords.MERGED_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(), "replica-merged-source", keys, values,
                merged(t), "replica-merged-global", GlobalUpdate::new);
        StringSerializer keyOut = new StringSerializer();
        ByteArraySerializer valueOut = new ByteArraySerializer();
        topology.addSink(EVENTS_SINK, events(t), keyOut, valueOut, "training");
        topology.addSink(REPORTS_SINK, reports(t), keyOut, valueOut, "training");
        topology.addSink(REPLICA_REPORTS_SINK, reports(t), keyOut, valueOut, "replica");
        topology.addSink(TopologyFactory.sink(REPLICA, TopologyFactory.DEAD_LETTER_SINK), t.deadLetter(), keyOut,
                valueOut, "replica");
        topology.addSink(MERGE_EVENTS_SINK, events(t), keyOut, valueOut, "replica-merge");
        topology.addSink(MERGED_SINK, merged(t), keyOut, valueOut, "replica-merge");
        topology.addSink(MERGE_PARAMETERS_SINK, t.modelParameters(), keyOut, valueOut, "replica-merge");
        topology.addSink(TopologyFactory.sink(MERGE, TopologyFactory.DEAD_LETTER_SINK), t.deadLetter(), keyOut,
                valueOut, "replica-merge");
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> bytesStore(String name, Map<String, String> logConfig) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(logConfig).withCachingDisabled();
    }

    /** Keeps the global {@value ReplicaRecords#MERGED_STORE} store equal to its topic. */
    private static final class GlobalUpdate implements Processor<String, byte[], Void, Void> {
        private KeyValueStore<String, byte[]> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(ReplicaRecords.MERGED_STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
