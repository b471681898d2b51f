package org.streamlearn.app.streams;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.streamlearn.app.config.Topics;

/**
 * The replicas loop of the topology (DESIGN.md "Replicas"; docs/architecture.md "Replicas"):
 *
 * <pre>
 * training ──► replica-events (key &lt;model&gt;#r&lt;i&gt;) ──► replica ──► replica-reports (key: model) ──► replica-merge
 *                                                      ▲                                              │
 *                                                      └──────── replica-merges (key &lt;model&gt;#r&lt;i&gt;) ◄───┤
 *                                                                         model-parameters, model store ◄┘
 * </pre>
 *
 * The three topics are named beside {@code training-events} ({@link Topics#beside}) and have its partition
 * count; every processor shares the {@value ReplicaRecords#STORE} store, so all run in the one sub-topology
 * (a task per partition): a replica key lands on the partition its hash picks, the merge step on the model's.
 */
public final class ReplicaTopology {

    static final String EVENTS_SINK = "replica-events-sink";
    static final String REPORTS_SINK = "replica-reports-sink";
    static final String MERGES_SINK = "replica-merges-sink";
    /** The processors that forward to {@code model-parameters} and {@code dead-letter} too. */
    static final String[] PROCESSORS = {"replica", "replica-merge"};

    private ReplicaTopology() {
    }

    /** {@code replica-events} beside {@code training-events}. */
    static String events(Topics t) {
        return Topics.beside(t.trainingEvents(), "replica-events");
    }

    /** {@code replica-reports} beside {@code training-events}. */
    static String reports(Topics t) {
        return Topics.beside(t.trainingEvents(), "replica-reports");
    }

    /** {@code replica-merges} beside {@code training-events}. */
    static String merges(Topics t) {
        return Topics.beside(t.trainingEvents(), "replica-merges");
    }

    /**
     * The loop's three topics: the service creates them like its inputs (same partition count, bounded
     * records), since every record on them is keyed like the inputs and carries at most a model.
     */
    public static List<String> topics(Topics t) {
        return List.of(events(t), reports(t), merges(t));
    }

    /** Adds the loop's sources, processors, store and sinks; the processor {@code training} must exist. */
    static void add(Topology topology, TopologyFactory.Settings s, TrainingMetrics metrics,
            Map<String, String> logConfig) {
        Topics t = s.topics();
        StringDeserializer keys = new StringDeserializer();
        ByteArrayDeserializer values = new ByteArrayDeserializer();
        topology.addSource("replica-events-source", keys, values, events(t), merges(t));
        topology.addSource("replica-reports-source", keys, values, reports(t));
        topology.addProcessor("replica", () -> new ReplicaProcessor(s, metrics), "replica-events-source");
        topology.addProcessor("replica-merge", () -> new ReplicaMergeProcessor(s, metrics),
                "replica-reports-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReplicaRecords.STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(logConfig).withCachingDisabled(),
                "training", "replica", "replica-merge");
        topology.connectProcessorAndStateStores("replica-merge", s.storeName());
        topology.addStateStore(new ModelStoreBuilder(ReplicaRecords.MODELS_STORE, s.maxCachedModels())
                .withLoggingEnabled(logConfig), "replica");
        StringSerializer keyOut = new StringSerializer();
        ByteArraySerializer valueOut = new ByteArraySerializer();
        topology.addSink(EVENTS_SINK, events(t), keyOut, valueOut, "training");
        topology.addSink(REPORTS_SINK, reports(t), keyOut, valueOut, "replica");
        topology.addSink(MERGES_SINK, merges(t), keyOut, valueOut, "replica-merge");
    }
}
