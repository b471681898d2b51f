package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * Generations of a replicated model (DESIGN.md "Replicas"; docs/architecture.md "Replicas"): a model deleted and
 * created again under its id with an equal spec is a new generation, and the loop's records of the old one still
 * in flight (a round report read by the merge step, a merge read by a replica after the re-creation) are not
 * taken for the new one's. The stale records are the old generation's own, captured from the loop's topics and
 * piped into them again, as a slow consumer or a lagging task would deliver them.
 */
class ReplicaGenerationTest {

    private static final String SPEC = "{\"task\":\"regression\",\"features\":5,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.02},\"publishEvery\":5,\"replicas\":{\"count\":2,\"syncEvery\":5}}";

    private static List<String> lines() throws IOException {
        return Files.readAllLines(Reference.folder().resolve("data/regression.jsonl"));
    }

    /** The first record of {@code topic}'s {@code records} with key {@code key} and round {@code round}. */
    private static TestRecord<String, byte[]> ofRound(List<TestRecord<String, byte[]>> records, String key,
            long round) {
        return records.stream().filter(r -> r.key().equals(key) && ReplicaRecords.hasRound(r.headers())
                && ReplicaRecords.roundOf(r.headers()) == round).findFirst().orElseThrow();
    }

    @Test
    void aStaleReportOfTheDeletedModelIsNotMergedIntoTheNewOne(@TempDir Path dir) throws IOException {
        createdAgainBesideAFreshModel(dir, true, false);
    }

    @Test
    void aStaleMergeOfTheDeletedModelIsNotAdoptedByTheNewOnesReplica(@TempDir Path dir) throws IOException {
        createdAgainBesideAFreshModel(dir, false, true);
    }

    /**
     * "big" learns, is deleted and created again with the same spec beside "new"; both then learn the same
     * events while a report (round 0, to the merge step) or a merge (round 0, to replica 0, after the new round 0
     * was merged and before replica 0 adopts it) of the first "big" arrives late: "big" must publish exactly what
     * "new" does.
     */
    private static void createdAgainBesideAFreshModel(Path dir, boolean staleReport, boolean staleMerge)
            throws IOException {
        ModelSpec spec = ModelSpecs.parse(SPEC);
        List<String> lines = lines();
        Topics t = Topics.DEFAULT;
        try (TopologyHarness h = new TopologyHarness(dir)) {
            TestOutputTopic<String, byte[]> reportsOut = h.driver.createOutputTopic(ReplicaTopology.reports(t),
                    new StringDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<String, byte[]> eventsOut = h.driver.createOutputTopic(ReplicaTopology.events(t),
                    new StringDeserializer(), new ByteArrayDeserializer());
            TestInputTopic<String, byte[]> reportsIn = h.driver.createInputTopic(ReplicaTopology.reports(t),
                    new StringSerializer(), new ByteArraySerializer());
            TestInputTopic<String, byte[]> eventsIn = h.driver.createInputTopic(ReplicaTopology.events(t),
                    new StringSerializer(), new ByteArraySerializer());

            // the first generation learns other events than the second will, so its rounds differ from them
            h.upsert("big", ModelSpecs.toJson(spec));
            for (String line : lines.subList(200, 227)) {
                h.event("big", line);
            }
            TestRecord<String, byte[]> oldReport = ofRound(reportsOut.readRecordsToList(), "big", 0);
            TestRecord<String, byte[]> oldMerge = ofRound(eventsOut.readRecordsToList(), "big#r0", 0);
            h.command("big", "{\"command\":\"delete\"}");

            h.upsert("big", ModelSpecs.toJson(spec)); // the second generation, beside a model never deleted
            h.upsert("new", ModelSpecs.toJson(spec));
            if (staleReport) { // it reaches the merge step before the new round 0's reports
                reportsIn.pipeInput(oldReport);
            }
            for (int i = 0; i < 40; i++) {
                if (i == 10 && staleMerge) { // 5 events per replica: round 0 merged and sent, adopted at the 11th
                    eventsIn.pipeInput(oldMerge);
                }
                h.event("big", lines.get(i));
                h.event("new", lines.get(i));
            }

            List<ModelState> again = new ArrayList<>();
            List<ModelState> fresh = new ArrayList<>();
            for (TestRecord<String, byte[]> r : h.parameters.readRecordsToList()) {
                if (r.value() != null && (r.key().equals("big") || r.key().equals("new"))) {
                    (r.key().equals("big") ? again : fresh).add(JsonStateCodec.parse(new String(r.value(),
                            StandardCharsets.UTF_8)));
                }
            }
            // after the delete: training's creation, the merge step's creation once more, then the merged rounds
            again = new ArrayList<>(again.subList(again.size() - 6, again.size()));
            assertThat(again.get(1).learned().params()).isEqualTo(again.get(0).learned().params());
            again.remove(1);
            assertThat(fresh).as("creation and four merged rounds").hasSize(5);
            for (int i = 0; i < fresh.size(); i++) {
                assertThat(again.get(i).learned().seen()).as("seen, snapshot %d", i).isEqualTo(10L * i);
                assertThat(again.get(i).learned().params()).as("snapshot %d", i)
                        .isEqualTo(fresh.get(i).learned().params());
            }
            assertThat(h.deadLetter.readRecordsToList()).isEmpty();
        }
    }

    /**
     * The replica's rules for a record of another generation than its own: an event of a newer one (its model was
     * deleted and created again, and the tombstone did not reach it) makes it start fresh as that generation; an
     * event of an older one is a dead letter, and a tombstone of an older one is ignored.
     */
    @Test
    void aReplicaStartsFreshAtANewerGenerationAndRefusesAnOlderOne(@TempDir Path dir) throws IOException {
        Topics t = Topics.DEFAULT;
        try (TopologyHarness h = new TopologyHarness(dir)) {
            TestOutputTopic<String, byte[]> eventsOut = h.driver.createOutputTopic(ReplicaTopology.events(t),
                    new StringDeserializer(), new ByteArrayDeserializer());
            TestInputTopic<String, byte[]> eventsIn = h.driver.createInputTopic(ReplicaTopology.events(t),
                    new StringSerializer(), new ByteArraySerializer());
            h.upsert("big", ModelSpecs.toJson(ModelSpecs.parse(SPEC)));
            for (String line : lines().subList(0, 7)) { // 4 events to replica 0, 3 to replica 1
                h.event("big", line);
            }
            TestRecord<String, byte[]> event = eventsOut.readRecordsToList().get(0);
            assertThat(event.key()).isEqualTo("big#r0");
            assertThat(ReplicaRecords.generationOf(event.headers())).isEqualTo(1);
            ModelStore replicas = (ModelStore) h.driver.getStateStore(ReplicaRecords.MODELS_STORE);
            assertThat(replicas.model("big#r0").state().learned().seen()).isEqualTo(4);

            Headers newer = ReplicaRecords.generation(2).add(event.headers().lastHeader(ReplicaRecords.SPEC_HEADER));
            eventsIn.pipeInput(new TestRecord<>(event.key(), event.value(), newer));
            assertThat(replicas.model("big#r0").state().learned().seen()).as("fresh, with the one event").isEqualTo(1);
            assertThat(h.deadLetter.readRecordsToList()).isEmpty();

            eventsIn.pipeInput(event);
            eventsIn.pipeInput(new TestRecord<String, byte[]>("big#r0", null, ReplicaRecords.generation(1)));
            assertThat(replicas.model("big#r0").state().learned().seen()).isEqualTo(1);
            assertThat(h.deadLetter.readRecordsToList()).singleElement().satisfies(d -> assertThat(
                    new String(d.value(), StandardCharsets.UTF_8)).contains("\"field\":\"replicas\"")
                    .contains("generation 1"));
        }
    }
}
