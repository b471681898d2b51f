package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.backtest.replicas.ReplicatedRun;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.metrics.ServiceMetrics;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.core.replica.Merged;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * The replicas loop on the live topology (DESIGN.md "Replicas"): the merged models it publishes are, bit for
 * bit, those of {@code backtest --replicas R} on the same events, and one replica is the model without replicas.
 */
class ReplicaTopologyTest {

    private static final String SPEC = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02},\"publishEvery\":5,\"replicas\":{\"count\":%d,\"syncEvery\":5}}";

    private static List<String> lines() throws IOException {
        return Files.readAllLines(Reference.folder().resolve("data/regression.jsonl"));
    }

    /** The snapshots published for {@code model}, decoded, after its creation's. */
    private static List<ModelState> snapshots(TopologyHarness h, String model) {
        List<ModelState> out = new ArrayList<>();
        for (TestRecord<String, byte[]> r : h.parameters.readRecordsToList()) {
            if (r.key().equals(model) && r.value() != null) {
                out.add(JsonStateCodec.parse(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return out.subList(1, out.size());
    }

    @Test
    void theLoopsStepsAreSubTopologiesOfTheirOwnEachWithOneInputTopic() {
        Topics t = Topics.DEFAULT;
        TopologyDescription d = TopologyFactory.build(TopologyHarness.settings(Map.of(), 1000, 0)).describe();
        Map<Set<String>, Set<String>> processorsByInputs = new HashMap<>();
        for (TopologyDescription.Subtopology sub : d.subtopologies()) {
            Set<String> inputs = new TreeSet<>();
            Set<String> processors = new TreeSet<>();
            for (TopologyDescription.Node n : sub.nodes()) {
                if (n instanceof TopologyDescription.Source src) {
                    inputs.addAll(src.topicSet());
                } else if (n instanceof TopologyDescription.Processor) {
                    processors.add(n.name());
                }
            }
            processorsByInputs.put(inputs, processors);
        }
        assertThat(processorsByInputs).as(d.toString()).containsOnly(
                Map.entry(Set.of(t.trainingEvents(), t.modelCommands(), t.predictionRequests(), t.labels(),
                        t.predictionLog()), Set.of("training", "prediction")),
                Map.entry(Set.of(ReplicaTopology.events(t)), Set.of("replica")),
                Map.entry(Set.of(ReplicaTopology.reports(t)), Set.of("replica-merge")));
        assertThat(d.globalStores()).singleElement().satisfies(g -> {
            assertThat(g.source().topicSet()).containsExactly(ReplicaTopology.merged(t));
            assertThat(g.processor().stores()).containsExactly(ReplicaRecords.MERGED_STORE);
        });
    }

    @Test
    void mergedModelsAreTheBacktestsBitForBit(@TempDir Path dir) throws IOException {
        ModelSpec spec = ModelSpecs.parse(String.format(SPEC, 4));
        List<Merged> expected = new ArrayList<>();
        ReplicatedRun sim = new ReplicatedRun("big", spec, expected::add);
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("big", ModelSpecs.toJson(spec));
            for (String line : lines()) {
                h.event("big", line);
                sim.learn(EventParser.parseTraining(line), 0, 0);
            }
            List<ModelState> live = snapshots(h, "big");
            assertThat(expected).hasSize(400 / 20);
            assertThat(live).hasSameSizeAs(expected);
            for (int r = 0; r < expected.size(); r++) {
                assertThat(live.get(r).learned().params()).as("round %d", r)
                        .isEqualTo(expected.get(r).state().params());
                assertThat(live.get(r).learned().seen()).isEqualTo(20L * (r + 1));
            }
            assertThat(h.deadLetter.readRecordsToList()).isEmpty();
            // predictions come from the latest merged model
            h.request("big", "{\"id\":\"q\",\"features\":[1,2,3,4,5]}");
            double served = TopologyHarness.drain(h.predictions).get(0).value().get("prediction").asDouble();
            assertThat(served).isEqualTo(live.get(live.size() - 1).learner().predict(new double[] {1, 2, 3, 4, 5})
                    .value());
            // and a publish command publishes it
            h.command("big", "{\"command\":\"publish\"}");
            List<TestRecord<String, byte[]>> published = h.parameters.readRecordsToList();
            assertThat(published).hasSize(1);
            assertThat(JsonStateCodec.parse(new String(published.get(0).value(),
                    java.nio.charset.StandardCharsets.UTF_8)).learned().params())
                    .isEqualTo(live.get(live.size() - 1).learned().params());
        }
    }

    @Test
    void spreadEventsAreCountedOnceSpreadAndOnceLearnedOrRejected(@TempDir Path dir) throws IOException {
        ModelSpec spec = ModelSpecs.parse(String.format(SPEC, 4));
        try (ServiceMetrics m = new ServiceMetrics(1); TopologyHarness h = new TopologyHarness(dir, m)) {
            h.upsert("big", ModelSpecs.toJson(spec));
            List<String> lines = lines().subList(0, 40);
            for (String line : lines) {
                h.event("big", line);
            }
            h.event("big", "{\"features\":[1,2,3],\"label\":1}"); // 3 features, not 5: the replica rejects it
            assertThat(h.deadLetter.readRecordsToList()).hasSize(1);
            String scraped = m.scrape();
            assertThat(scraped).contains("streamlearn_events_total{outcome=\"spread\"} 41.0")
                    .contains("streamlearn_events_total{outcome=\"learned\"} 40.0")
                    .contains("streamlearn_events_total{outcome=\"rejected\"} 1.0")
                    .contains("streamlearn_dead_letters_total{reason=\"features\"} 1.0");
        }
    }

    @Test
    void aSpecChangeOrAResetOfAReplicatedModelIsRefusedAndItGoesOnMerging(@TempDir Path dir) throws IOException {
        ModelSpec spec = ModelSpecs.parse(String.format(SPEC, 2));
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("big", ModelSpecs.toJson(spec));
            h.upsert("plain", ModelSpecs.toJson(spec.withReplicas(null)));
            List<String> lines = lines();
            for (String line : lines.subList(0, 20)) {
                h.event("big", line);
            }
            h.upsert("big", ModelSpecs.toJson(ModelSpecs.parse(String.format(SPEC, 4))));
            h.upsert("plain", ModelSpecs.toJson(spec)); // adding replicas to a model without
            h.command("big", "{\"command\":\"reset\"}");
            List<TestRecord<String, byte[]>> dead = h.deadLetter.readRecordsToList();
            assertThat(dead).hasSize(3);
            for (TestRecord<String, byte[]> d : dead) {
                assertThat(new String(d.value(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains("\"field\":\"replicas\"").contains("use a new model id");
            }
            for (String line : lines.subList(20, 40)) {
                h.event("big", line);
            }
            List<ModelState> live = snapshots(h, "big");
            assertThat(live).as("merged rounds of 2 x 5 events, unchanged spec").hasSize(4);
            assertThat(live.get(3).learned().seen()).isEqualTo(40);
            assertThat(live.get(3).spec()).isEqualTo(spec);
        }
    }

    @Test
    void oneReplicaIsTheModelWithoutReplicas(@TempDir Path dir) throws IOException {
        ModelSpec one = ModelSpecs.parse(String.format(SPEC, 1));
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("one", ModelSpecs.toJson(one));
            h.upsert("plain", ModelSpecs.toJson(one.withReplicas(null)));
            for (String line : lines()) {
                h.event("one", line);
                h.event("plain", line);
            }
            List<TestRecord<String, byte[]>> all = h.parameters.readRecordsToList();
            List<ModelState> replicated = new ArrayList<>();
            List<ModelState> plain = new ArrayList<>();
            for (TestRecord<String, byte[]> r : all) {
                ModelState s = JsonStateCodec.parse(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
                (r.key().equals("one") ? replicated : plain).add(s);
            }
            assertThat(replicated).hasSize(81).hasSameSizeAs(plain);
            for (int i = 1; i < replicated.size(); i++) {
                assertThat(replicated.get(i).learned().params()).isEqualTo(plain.get(i).learned().params());
                assertThat(replicated.get(i).learned().seen()).isEqualTo(plain.get(i).learned().seen());
            }
        }
    }

    @Test
    void aDeletedReplicatedModelLeavesNoReplicaStateAndItsIdStartsFresh(@TempDir Path dir) throws IOException {
        ModelSpec spec = ModelSpecs.parse(String.format(SPEC, 2));
        List<String> lines = lines();
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("big", ModelSpecs.toJson(spec));
            for (String line : lines.subList(0, 27)) { // two merged rounds, and a third one under way
                h.event("big", line);
            }
            h.command("big", "{\"command\":\"delete\"}");
            for (String store : List.of(ReplicaRecords.STORE, ReplicaRecords.COUNTERS_STORE,
                    ReplicaRecords.ROUNDS_STORE, ReplicaRecords.MERGED_STORE)) {
                KeyValueStore<String, byte[]> loop = h.driver.getKeyValueStore(store);
                try (KeyValueIterator<String, byte[]> it = loop.all()) {
                    List<String> left = new ArrayList<>();
                    it.forEachRemaining(kv -> left.add(kv.key));
                    // but the merge step's mark of the delete and training's generation of the id
                    assertThat(left).as("the entries of the deleted model in %s", store)
                            .isEqualTo(store.equals(ReplicaRecords.ROUNDS_STORE)
                                    ? List.of(ReplicaRecords.deletedKey("big"))
                                    : store.equals(ReplicaRecords.COUNTERS_STORE)
                                            ? List.of(ReplicaRecords.counterKey("big")) : List.of());
                }
            }
            ModelStore replicaModels = (ModelStore) h.driver.getStateStore(ReplicaRecords.MODELS_STORE);
            assertThat(replicaModels.model("big#r0")).isNull();
            assertThat(replicaModels.model("big#r1")).isNull();
            h.parameters.readRecordsToList();

            h.upsert("big", ModelSpecs.toJson(spec)); // the same id again, beside a new one: both start from zero
            h.upsert("new", ModelSpecs.toJson(spec));
            for (String line : lines.subList(0, 40)) {
                h.event("big", line);
                h.event("new", line);
            }
            List<ModelState> again = new ArrayList<>();
            List<ModelState> fresh = new ArrayList<>();
            for (TestRecord<String, byte[]> r : h.parameters.readRecordsToList()) {
                (r.key().equals("big") ? again : fresh).add(JsonStateCodec.parse(new String(r.value(),
                        java.nio.charset.StandardCharsets.UTF_8)));
            }
            // the merge step publishes the creation of an id it had deleted once more: the same model
            assertThat(again.get(1).learned().params()).isEqualTo(again.get(0).learned().params());
            assertThat(again.get(1).version()).isEqualTo(again.get(0).version());
            again.remove(1);
            assertThat(again).as("creation and four merged rounds").hasSize(5).hasSameSizeAs(fresh);
            for (int i = 0; i < again.size(); i++) {
                assertThat(again.get(i).learned().seen()).as("seen, snapshot %d", i).isEqualTo(10L * i);
                assertThat(again.get(i).learned().params()).as("snapshot %d", i)
                        .isEqualTo(fresh.get(i).learned().params());
            }
            assertThat(h.deadLetter.readRecordsToList()).isEmpty();
        }
    }

    /**
     * The merge step may see a delete after training has created the id again: its tombstone on
     * {@code model-parameters} then follows the new model's creation snapshot, and it publishes that snapshot
     * once more, so that the topic's latest record for the id is the live model, not the tombstone.
     */
    @Test
    void aModelCreatedAgainOutlivesTheMergeStepsLateTombstone(@TempDir Path dir) throws IOException {
        ModelSpec spec = ModelSpecs.parse(String.format(SPEC, 2));
        try (TopologyHarness h = new TopologyHarness(dir)) {
            h.upsert("big", ModelSpecs.toJson(spec));
            for (String line : lines().subList(0, 27)) {
                h.event("big", line);
            }
            h.parameters.readRecordsToList();
            TestInputTopic<String, byte[]> reports = h.driver.createInputTopic(
                    ReplicaTopology.reports(Topics.DEFAULT), new StringSerializer(), new ByteArraySerializer());
            // training's delete, as the merge step sees it late
            reports.pipeInput(new TestRecord<String, byte[]>("big", null, ReplicaRecords.generation(1)));
            List<TestRecord<String, byte[]>> out = h.parameters.readRecordsToList();
            assertThat(out.get(out.size() - 1).value()).isNull();
            reports.pipeInput(new TestRecord<>("big", ReplicaRecords.modelEntry(7, 2,
                    ModelSpecs.toJsonString(spec).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    ReplicaRecords.generation(2)));
            out = h.parameters.readRecordsToList();
            assertThat(out).hasSize(1);
            ModelState created = JsonStateCodec.parse(new String(out.get(0).value(),
                    java.nio.charset.StandardCharsets.UTF_8));
            assertThat(created.version()).isEqualTo(7);
            assertThat(created.learned().seen()).isZero();
            assertThat(created.spec()).isEqualTo(spec);
            assertThat(h.deadLetter.readRecordsToList()).isEmpty();
        }
    }
}
