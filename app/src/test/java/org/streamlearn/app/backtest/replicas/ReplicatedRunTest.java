package org.streamlearn.app.backtest.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.app.backtest.BacktestRun;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.testing.Reference;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.replica.Merged;
import org.streamlearn.core.replica.Spreading;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.ReplicasSpec;

/** The replicas protocol in one process (DESIGN.md "Replicas") over the reference streams. */
class ReplicatedRunTest {

    private static List<ParsedEvent> events(String dataset) throws IOException {
        List<ParsedEvent> out = new ArrayList<>();
        for (String line : Files.readAllLines(Reference.folder().resolve(dataset))) {
            out.add(EventParser.parseTraining(line));
        }
        return out;
    }

    private static BacktestRun run(String name, ModelSpec spec, List<ParsedEvent> events) {
        BacktestRun r = new BacktestRun(name, spec);
        for (int t = 0; t < events.size(); t++) {
            r.learn(events.get(t), t + 1);
        }
        r.finish(events.size());
        return r;
    }

    /** Every reference case without drift, challengers, feedback or timed flushes, with syncEvery 1, 3 and 50 batches. */
    static Stream<Arguments> oneReplica() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : Reference.cases()) {
            ModelSpec spec = ModelSpecs.fromTree(c.get("spec"));
            if (spec.drift() != null || !spec.challengers().isEmpty() || spec.feedback() != null
                    || spec.update().maxDelayMs() > 0) {
                continue;
            }
            int batch = spec.update().mode().equals("minibatch") ? spec.update().batchSize() : 1;
            for (int k : new int[] {1, 3, 50}) {
                out.add(Arguments.of(c.get("name").asText(), c.get("dataset").asText(), spec, batch * k));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} syncEvery {3}")
    @MethodSource("oneReplica")
    void oneReplicaIsTheUnreplicatedModelBitForBit(String name, String dataset, ModelSpec spec, int syncEvery)
            throws IOException {
        List<ParsedEvent> events = events(dataset);
        ModelSpec replicated = spec.withReplicas(new ReplicasSpec(1, syncEvery));
        // every merged round is the unreplicated model after (round + 1)·syncEvery events
        List<Merged> merges = new ArrayList<>();
        ReplicatedRun sim = new ReplicatedRun(name, replicated, merges::add);
        BacktestRun single = new BacktestRun(name, spec);
        List<double[]> atRoundEnds = new ArrayList<>();
        for (int t = 0; t < events.size(); t++) {
            sim.learn(events.get(t), 0, t + 1);
            single.learn(events.get(t), t + 1);
            if ((t + 1) % syncEvery == 0) {
                atRoundEnds.add(single.model().learned().params().clone());
            }
            assertThat(sim.replica(0).learned().params()).isEqualTo(single.model().learned().params());
        }
        assertThat(merges).hasSize(atRoundEnds.size());
        for (Merged m : merges) {
            assertThat(m.state().params()).isEqualTo(atRoundEnds.get((int) m.round()));
        }
        BacktestRun whole = run(name, replicated, events);
        single.finish(events.size());
        assertThat(whole.model().learned()).isEqualTo(single.model().learned());
        assertThat(whole.summary().get("metrics")).isEqualTo(single.summary().get("metrics"));
    }

    /**
     * Quality on the generated linear and logistic streams (no drift, 200,000 events, 10 features, the demo's
     * generator): four replicas syncing every 10 updates end within 2% of the single model's progressive metric.
     * (On the 400 and 500 events of testdata/reference they do not: there averaging's slower start dominates;
     * docs/architecture.md "Replicas" gives the figures.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("quality")
    void fourReplicasEndWithinTwoPercentOfTheSingleModel(StreamGenerator.Task task, String spec) {
        StreamGenerator g = new StreamGenerator(task, 10, 2, Long.MAX_VALUE, 0.5, 7);
        List<ParsedEvent> events = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            events.add(EventParser.parseTraining(g.next()));
        }
        ModelSpec one = ModelSpecs.parse(spec);
        ProgressiveMetrics single = run("one", one, events).model().servedMetrics();
        ProgressiveMetrics four = run("four", one.withReplicas(new ReplicasSpec(4, 10)), events).model()
                .servedMetrics();
        assertThat(four.count()).isEqualTo(single.count()).isEqualTo(events.size());
        boolean regression = task == StreamGenerator.Task.REGRESSION;
        double a = regression ? single.mse() : single.logLoss();
        double b = regression ? four.mse() : four.logLoss();
        assertThat(b).as("4 replicas vs one model (%s)", a).isCloseTo(a, within(0.02 * a));
    }

    static Stream<Arguments> quality() {
        return Stream.of(
                Arguments.of(StreamGenerator.Task.REGRESSION, "{\"task\":\"regression\",\"features\":10,"
                        + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.02}}"),
                Arguments.of(StreamGenerator.Task.BINARY, new StreamGenerator(StreamGenerator.Task.BINARY, 10, 2,
                        Long.MAX_VALUE, 0.5, 7).spec()));
    }

    /**
     * With ids the replicas get uneven shares, so some wait for merges and hold events back; the merges depend
     * only on each replica's own order: interleaving the replicas' events otherwise gives the same merges.
     */
    @Test
    void mergesDependOnlyOnEachReplicasOrder() throws IOException {
        JsonNode c = Reference.cases().stream().filter(n -> n.get("name").asText().equals("reg_adam")).findFirst()
                .orElseThrow();
        ModelSpec spec = ModelSpecs.fromTree(c.get("spec")).withReplicas(new ReplicasSpec(3, 7));
        List<ParsedEvent> events = new ArrayList<>();
        int n = 0;
        for (ParsedEvent e : events(c.get("dataset").asText())) {
            events.add(new ParsedEvent(e.dense(), e.named(), e.label(), e.labelText(), e.hasLabel(), e.weight(),
                    "event-" + n++, null));
        }
        List<Merged> inOrder = new ArrayList<>();
        ReplicatedRun a = new ReplicatedRun("a", spec, inOrder::add);
        events.forEach(e -> a.learn(e, 0, 0));
        // the same events, replica 2's first, then replica 0's, then replica 1's, each in stream order
        List<Merged> grouped = new ArrayList<>();
        ReplicatedRun b = new ReplicatedRun("b", spec, grouped::add);
        for (int r : new int[] {2, 0, 1}) {
            for (ParsedEvent e : events) {
                if (Spreading.ofId(e.id(), 3) == r) {
                    b.learn(e, 0, 0);
                }
            }
        }
        assertThat(inOrder).hasSizeGreaterThan(10);
        assertThat(grouped).hasSameSizeAs(inOrder);
        for (int i = 0; i < inOrder.size(); i++) {
            assertThat(grouped.get(i).round()).isEqualTo(inOrder.get(i).round());
            assertThat(grouped.get(i).state().params()).isEqualTo(inOrder.get(i).state().params());
        }
        for (int r = 0; r < 3; r++) {
            assertThat(b.replica(r).learned().params()).isEqualTo(a.replica(r).learned().params());
        }
    }
}
