package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.ModelState;

/** The model lifecycle on its own: no Kafka, a map of live models, the time passed in by hand. */
class ModelLifecycleTest extends LifecycleFixture {

    // --- creation policy

    @Test
    void aFirstEventCreatesTheModelFromTheDefaultSpecWithItsDimensionAndPublishesItBeforeLearning() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        List<Entry> out = entries(l.onEvent("c", EventParser.parseTraining(TopologyTest.event(0)), 5));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).kind()).isEqualTo(Emissions.Kind.PARAMETERS);
        assertThat(out.get(0).key()).isEqualTo("c");
        assertThat(out.get(0).value().get("seen").asLong()).as("published before it learns").isZero();
        assertThat(out.get(0).value().get("spec").get("features").asInt()).isEqualTo(2);
        assertThat(out.get(0).value().get("spec").get("optimizer").get("type").asText()).isEqualTo("sgd");
        assertThat(models.model("c").state().learned().seen()).isEqualTo(1);
        // a second model of the same dimension shares the spec instance; another dimension gets its own
        l.onEvent("d", EventParser.parseTraining(TopologyTest.event(1)), 6);
        assertThat(models.model("d").state().spec()).isSameAs(models.model("c").state().spec());
        l.onEvent("e", EventParser.parseTraining("{\"features\":[1,2,3],\"label\":1}"), 7);
        assertThat(models.model("e").state().spec().features()).isEqualTo(3);
        assertThat(models.model("c").state().spec().features()).isEqualTo(2);
    }

    @Test
    void aSeededSpecWinsOverTheDefaultAndTheModelLearnsBitIdenticallyToTheCore() {
        ModelSpec seeded = ModelSpecs.parse(MINIBATCH.replace("\"publishEvery\":1", "\"publishEvery\":1000"));
        ModelLifecycle l = lifecycle(Map.of("s", seeded), 1000);
        List<String> lines = events(0, 35);
        learnAll(l, "s", lines, 0);
        ModelState s = models.model("s").state();
        assertThat(s.spec()).isEqualTo(seeded);
        OnlineLearner core = TopologyTest.core(seeded, lines);
        assertThat(s.learned().params()).containsExactly(core.state().params());
        assertThat(s.learned().batchCount()).isEqualTo(5);
    }

    @Test
    void namedFeaturesCannotCreateAModelWithoutHashBits() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        List<Entry> out = entries(l.onEvent("n", EventParser.parseTraining("{\"features\":{\"a\":1},\"label\":1}"), 0));
        assertThat(out).extracting(Entry::kind).containsExactly(Emissions.Kind.REJECTED);
        assertThat(out.get(0).field()).isEqualTo("features");
        assertThat(out.get(0).reason()).contains("named features need a spec with hashBits");
        assertThat(models.model("n")).isNull();
    }

    // --- commands

    @Test
    void upsertCreatesKeepsOrRestartsAndAnEqualSpecEmitsNothing() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        List<Entry> created = entries(l.onCommand("a", upsert(REG), 1));
        assertThat(created).extracting(Entry::kind).containsExactly(Emissions.Kind.PARAMETERS);
        learnAll(l, "a", events(0, 30), 2);
        assertThat(entries(l.onCommand("a", upsert(REG), 40))).isEmpty();
        JsonNode kept = entries(l.onCommand("a", upsert("{\"task\":\"regression\",\"features\":2,"
                + "\"optimizer\":{\"type\":\"adam\"}}"), 41)).get(0).value();
        assertThat(kept.get("seen").asLong()).isEqualTo(30);
        assertThat(kept.get("optimizer").get("type").asText()).isEqualTo("adam");
        JsonNode fresh = entries(l.onCommand("a", upsert("{\"task\":\"regression\",\"features\":3}"), 42)).get(0)
                .value();
        assertThat(fresh.get("seen").asLong()).isZero();
        assertThat(fresh.get("version").asLong()).isGreaterThan(kept.get("version").asLong());
    }

    @Test
    void resetRestartsFromZeroAndRepublishesMetricsOnTheNextLearning() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        l.onCommand("a", upsert(REG), 0);
        learnAll(l, "a", events(0, 20), 1);
        l.onMetricsTimer(100);
        List<Entry> out = entries(l.onCommand("a", command("{\"command\":\"reset\"}"), 200));
        assertThat(out).extracting(Entry::kind).containsExactly(Emissions.Kind.PARAMETERS);
        assertThat(out.get(0).value().get("seen").asLong()).isZero();
        assertThat(models.model("a").state().learned().seen()).isZero();
        l.onEvent("a", EventParser.parseTraining(TopologyTest.event(1)), 201);
        List<Entry> timed = entries(l.onMetricsTimer(300));
        assertThat(timed).extracting(e -> e.value().get("seen").asLong()).containsExactly(1L);
    }

    @Test
    void deleteRemovesTheModelWithATombstone() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        l.onCommand("a", upsert(MINIBATCH), 0);
        learnAll(l, "a", events(0, 3), 1);
        assertThat(models.openBatches()).contains("a");
        List<Entry> out = entries(l.onCommand("a", command("{\"command\":\"delete\"}"), 10));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).kind()).isEqualTo(Emissions.Kind.PARAMETERS);
        assertThat(out.get(0).key()).isEqualTo("a");
        assertThat(out.get(0).value()).isNull();
        assertThat(models.model("a")).isNull();
        assertThat(models.openBatches()).isEmpty();
    }

    @Test
    void flushAppliesTheOpenBatchAndPublishesSnapshotAndMetrics() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        l.onCommand("a", upsert(MINIBATCH), 0);
        List<String> lines = events(0, 7);
        learnAll(l, "a", lines, 1);
        List<Entry> out = entries(l.onCommand("a", command("{\"command\":\"flush\"}"), 20));
        assertThat(out).extracting(Entry::kind).containsExactly(Emissions.Kind.PARAMETERS, Emissions.Kind.METRICS);
        assertThat(out.get(0).value().get("updates").asLong()).isEqualTo(1);
        assertThat(out.get(0).value().has("batch")).isFalse();
        assertThat(out.get(1).value().get("seen").asLong()).isEqualTo(7);
        OnlineLearner core = TopologyTest.core(ModelSpecs.parse(MINIBATCH), lines);
        core.flush();
        assertThat(models.model("a").state().learned().params()).containsExactly(core.state().params());
        assertThat(models.model("a").state().batchStartedAtMs()).isZero();
    }

    @Test
    void publishKeepsTheOpenBatch() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        l.onCommand("a", upsert(MINIBATCH), 0);
        learnAll(l, "a", events(0, 7), 1);
        List<Entry> out = entries(l.onCommand("a", command("{\"command\":\"publish\"}"), 20));
        assertThat(out).extracting(Entry::kind).containsExactly(Emissions.Kind.PARAMETERS, Emissions.Kind.METRICS);
        assertThat(out.get(0).value().get("updates").asLong()).isZero();
        assertThat(out.get(0).value().get("batch").get("count").asInt()).isEqualTo(7);
    }

    @Test
    void commandsOnAMissingModelOrWithoutAKeyAreRejected() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        for (String c : List.of("reset", "delete", "flush", "publish")) {
            List<Entry> out = entries(l.onCommand("ghost", command("{\"command\":\"" + c + "\"}"), 0));
            assertThat(out).as(c).extracting(Entry::kind).containsExactly(Emissions.Kind.REJECTED);
            assertThat(out.get(0).field()).as(c).isEqualTo("model");
            assertThat(out.get(0).reason()).as(c).contains("no model 'ghost'");
        }
        List<Entry> keyless = entries(l.onCommand(null, upsert(REG), 0));
        assertThat(keyless.get(0).field()).isEqualTo("key");
        assertThat(models.live).isEmpty();
        InvalidEventException bad = new InvalidEventException("command", "not valid JSON");
        assertThat(entries(l.onCommandRejected(null, bad)).get(0).field()).as("the key is reported first")
                .isEqualTo("key");
        Entry named = entries(l.onCommandRejected("m", bad)).get(0);
        assertThat(named.key()).isEqualTo("m");
        assertThat(named.field()).isEqualTo("command");
    }

    // --- rejected input

    @Test
    void eventsThatCannotBeUsedAreRejectedAndLeaveTheModelUntouched() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        l.onCommand("m", upsert(REG), 0);
        l.onEvent("m", EventParser.parseTraining(TopologyTest.event(0)), 1);
        double[] before = models.model("m").state().learned().params().clone();
        long version = models.model("m").state().version();
        Entry noKey = entries(l.onEvent(null, EventParser.parseTraining("{\"features\":[1,2],\"label\":1}"), 2))
                .get(0);
        assertThat(noKey.key()).isNull();
        assertThat(noKey.field()).isEqualTo("key");
        Entry differs = entries(l.onEvent("m", EventParser.parseTraining(
                "{\"features\":[1,2],\"label\":1,\"model\":\"z\"}"), 3)).get(0);
        assertThat(differs.field()).isEqualTo("model");
        assertThat(differs.reason()).contains("differs from the record key");
        List<Entry> dim = entries(l.onEvent("m", EventParser.parseTraining("{\"features\":[1,2,3],\"label\":1}"), 4));
        assertThat(dim).extracting(Entry::kind).containsExactly(Emissions.Kind.REJECTED);
        assertThat(dim.get(0).field()).isEqualTo("features");
        assertThat(dim.get(0).reason()).contains("expected 2 values, got 3");
        Entry unparsed = entries(l.onEventRejected("m", new InvalidEventException("label", "missing"))).get(0);
        assertThat(unparsed.field()).isEqualTo("label");
        assertThat(models.model("m").state().learned().seen()).isEqualTo(1);
        assertThat(models.model("m").state().learned().params()).containsExactly(before);
        assertThat(models.model("m").state().version()).isEqualTo(version);
        assertThat(models.model("z")).isNull();
    }

    @Test
    void aStepRefusedByTheDivergenceGuardIsRejectedButCounted() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        l.onCommand("m", upsert("{\"task\":\"regression\",\"features\":1,\"standardize\":false,"
                + "\"optimizer\":{\"type\":\"sgd\",\"learningRate\":1e10}}"), 0);
        List<Entry> out = learnAll(l, "m", java.util.Collections.nCopies(40, "{\"features\":[1e17],\"label\":1e17}"),
                1);
        List<Entry> refused = out.stream().filter(e -> e.kind() == Emissions.Kind.REJECTED).toList();
        assertThat(refused).isNotEmpty();
        assertThat(refused).allSatisfy(e -> assertThat(e.field()).isEqualTo("gradient"));
        assertThat(refused.get(0).reason()).contains("divergence guard");
        assertThat(models.model("m").state().learned().refused()).isEqualTo(refused.size());
    }

    // --- predictions

    @Test
    void requestsAreAnsweredByTheLiveModelOrWithAnErrorCarryingTheRequestId() {
        ModelLifecycle l = lifecycle(Map.of(), 1000);
        ModelSpec spec = ModelSpecs.parse(REG);
        l.onCommand("m", upsert(REG), 0);
        List<String> lines = events(0, 30);
        learnAll(l, "m", lines, 1);
        Entry p = entries(l.onRequest("m", EventParser.parseRequest("{\"id\":\"r1\",\"features\":[0.5,-0.25]}"), 50))
                .get(0);
        assertThat(p.kind()).isEqualTo(Emissions.Kind.PREDICTION);
        assertThat(p.value().get("id").asText()).isEqualTo("r1");
        assertThat(p.value().get("prediction").doubleValue())
                .isEqualTo(TopologyTest.core(spec, lines).predict(new double[] {0.5, -0.25}).value());
        assertThat(p.value().get("servedAtMs").asLong()).isEqualTo(50);
        Entry unknown = entries(l.onRequest("nope", EventParser.parseRequest("{\"id\":\"r2\",\"features\":[1,2]}"),
                51)).get(0);
        assertThat(unknown.value().get("id").asText()).isEqualTo("r2");
        assertThat(unknown.value().get("error").get("reason").asText()).contains("unknown model 'nope'");
        Entry dim = entries(l.onRequest("m", EventParser.parseRequest("{\"id\":\"r3\",\"features\":[1]}"), 52)).get(0);
        assertThat(dim.value().get("error").get("field").asText()).isEqualTo("features");
        Entry unparsed = entries(l.onRequestRejected("m", new InvalidEventException("id", "must be a string"), 53))
                .get(0);
        assertThat(unparsed.value().get("id").isNull()).isTrue();
        assertThat(unparsed.value().get("model").asText()).isEqualTo("m");
    }

    // --- the holder and the API

    @Test
    void noKafkaTypeAppearsInTheLifecycleApi() {
        for (Class<?> c : List.of(ModelLifecycle.class, Emissions.class, LiveModels.class, LiveModel.class)) {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers())) {
                    assertThat(m.getReturnType().getName()).as(c.getSimpleName() + "." + m.getName())
                            .doesNotStartWith("org.apache.kafka");
                    for (Class<?> p : m.getParameterTypes()) {
                        assertThat(p.getName()).as(c.getSimpleName() + "." + m.getName())
                                .doesNotStartWith("org.apache.kafka");
                    }
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                for (Class<?> p : k.getParameterTypes()) {
                    assertThat(p.getName()).as(c.getSimpleName() + " constructor").doesNotStartWith("org.apache.kafka");
                }
            }
        }
    }
}
