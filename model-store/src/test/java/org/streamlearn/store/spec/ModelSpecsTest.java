package org.streamlearn.store.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.streamlearn.core.model.Task;
import org.streamlearn.store.spec.ModelSpec.ArchitectureSpec;
import org.streamlearn.store.spec.ModelSpec.MetricsSpec;
import org.streamlearn.store.spec.ModelSpec.OptimizerSpec;
import org.streamlearn.store.spec.ModelSpec.ScheduleSpec;
import org.streamlearn.store.spec.ModelSpec.UpdateSpec;

class ModelSpecsTest {

    /** JSON with single quotes, for readability. */
    private static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private static ModelSpec parse(String singleQuoted) {
        return ModelSpecs.parse(json(singleQuoted));
    }

    private static final String REG = "'task':'regression','features':3";

    /** A spec with every field set, for requiresRestart. */
    private static final String FULL = "{'task':'multiclass','features':4,'classes':3,"
            + "'architecture':{'type':'mlp','hidden':[8],'activation':'relu','init':'he','seed':42},"
            + "'optimizer':{'type':'adam','learningRate':0.01},'schedule':{'type':'constant'},'l2':0.0,"
            + "'standardize':true,'update':{'mode':'sample'},'publishEvery':100}";

    // ---- defaults ----

    @Test
    void minimalSpecGetsEveryDefault() {
        ModelSpec spec = parse("{" + REG + "}");

        assertThat(spec).isEqualTo(new ModelSpec(Task.REGRESSION, 3, null, null, null, ArchitectureSpec.linear(),
                "squared", 1.0, OptimizerSpec.sgd(0.01), ScheduleSpec.constant(), null, 0.0, 0.0, null, true,
                UpdateSpec.sample(), new MetricsSpec(1000, 0.01), 100));
        assertThat(ModelSpecs.toJsonString(spec)).isEqualTo(json("{'task':'regression','features':3,"
                + "'architecture':{'type':'linear'},'loss':'squared',"
                + "'optimizer':{'type':'sgd','learningRate':0.01},'schedule':{'type':'constant'},"
                + "'interceptLearningRate':null,'l2':0.0,'l1':0.0,'clipNorm':null,'standardize':true,"
                + "'update':{'mode':'sample'},'metrics':{'window':1000,'ewmaAlpha':0.01},'publishEvery':100}"));
        assertThat(spec.dimension()).isEqualTo(3);
        assertThat(spec.outputs()).isEqualTo(1);
    }

    @Test
    void lossDefaultsByTask() {
        assertThat(parse("{'task':'binary','features':2}").loss()).isEqualTo("log");
        assertThat(parse("{'task':'multiclass','features':2,'classes':4}").loss()).isEqualTo("cross_entropy");
        assertThat(parse("{'task':'regression','features':2}").loss()).isEqualTo("squared");
    }

    static Stream<Arguments> typeDefaults() {
        return Stream.of(
                Arguments.of("{'optimizer':{}}", OptimizerSpec.sgd(0.01)),
                Arguments.of("{'optimizer':{'type':'momentum'}}", OptimizerSpec.momentum(0.01, 0.9)),
                Arguments.of("{'optimizer':{'type':'nesterov'}}", OptimizerSpec.nesterov(0.01, 0.9)),
                Arguments.of("{'optimizer':{'type':'adagrad'}}", OptimizerSpec.adagrad(0.01, 1e-8)),
                Arguments.of("{'optimizer':{'type':'rmsprop'}}", OptimizerSpec.rmsprop(0.01, 0.9, 1e-8)),
                Arguments.of("{'optimizer':{'type':'adam'}}", OptimizerSpec.adam(0.01, 0.9, 0.999, 1e-8)),
                Arguments.of("{'optimizer':{'type':'ftrl'}}", OptimizerSpec.ftrl(0.1, 1.0, 0.0, 0.0)),
                Arguments.of("{'schedule':{}}", ScheduleSpec.constant()),
                Arguments.of("{'schedule':{'type':'exponential'}}", ScheduleSpec.exponential(0.99)),
                Arguments.of("{'schedule':{'type':'step'}}", ScheduleSpec.step(0.5, 1000)),
                Arguments.of("{'schedule':{'type':'inverse'}}", ScheduleSpec.inverse(0.5)),
                Arguments.of("{'update':{}}", UpdateSpec.sample()),
                Arguments.of("{'update':{'mode':'minibatch'}}", UpdateSpec.minibatch(32, 0)),
                Arguments.of("{'update':{'mode':'batch'}}", UpdateSpec.batch()),
                Arguments.of("{'architecture':{}}", ArchitectureSpec.linear()),
                Arguments.of("{'architecture':{'type':'mlp','hidden':[16,8]}}",
                        new ArchitectureSpec("mlp", List.of(16, 8), "relu", "he", 42)),
                Arguments.of("{'metrics':{}}", MetricsSpec.DEFAULT),
                Arguments.of("{'metrics':{'window':50}}", new MetricsSpec(50, 0.01)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typeDefaults")
    void nestedPartsFillTheirDefaults(String part, Object expected) {
        ModelSpec spec = parse(part.replaceFirst("\\{", "{" + REG + ","));
        List<Object> parts = List.of(spec.optimizer(), spec.schedule(), spec.update(), spec.architecture(),
                spec.metrics());
        assertThat(parts).contains(expected);
    }

    @Test
    void defaultsOfEachOptimizerTypeMatchTheParser() {
        for (String type : OptimizerSpec.TYPES) {
            assertThat(parse("{" + REG + ",'optimizer':{'type':'" + type + "'}}").optimizer())
                    .isEqualTo(OptimizerSpec.defaults(type));
        }
        for (String type : ScheduleSpec.TYPES) {
            assertThat(parse("{" + REG + ",'schedule':{'type':'" + type + "'}}").schedule())
                    .isEqualTo(ScheduleSpec.defaults(type));
        }
    }

    // ---- round trips ----

    static Stream<String> validSpecs() {
        return Stream.of(
                "{" + REG + "}",
                "{'task':'binary','hashBits':18,'optimizer':{'type':'ftrl','alpha':0.2,'beta':0.5,'l1':1,'l2':2},"
                        + "'interceptLearningRate':0.05,'l2':0.1}",
                "{'task':'multiclass','features':4,'classes':3,'classNames':['setosa','versicolor','virginica'],"
                        + "'architecture':{'type':'mlp','hidden':[32,16],'activation':'tanh','init':'xavier',"
                        + "'seed':12345678901},'optimizer':{'type':'adam','learningRate':0.001,'beta1':0.8}}",
                "{" + REG + ",'loss':'huber','huberDelta':2.5,'clipNorm':10,'standardize':false}",
                "{" + REG + ",'loss':'squared','huberDelta':2.5}",
                "{" + REG + ",'update':{'mode':'minibatch','batchSize':64,'maxDelayMs':9999999999},"
                        + "'schedule':{'type':'step','factor':0.1,'every':7},'publishEvery':1}",
                "{" + REG + ",'optimizer':{'type':'rmsprop','rho':0.5,'epsilon':1e-6},"
                        + "'schedule':{'type':'inverse','power':1.5},'metrics':{'window':1,'ewmaAlpha':1}}",
                "{'task':'regression','hashBits':1,'optimizer':{'type':'nesterov','momentum':0},"
                        + "'schedule':{'type':'exponential','decay':1},'l1':0.001}");
    }

    @ParameterizedTest
    @MethodSource("validSpecs")
    void roundTripsThroughJson(String singleQuoted) {
        ModelSpec spec = parse(singleQuoted);
        String written = ModelSpecs.toJsonString(spec);

        assertThat(ModelSpecs.parse(written)).isEqualTo(spec);
        assertThat(ModelSpecs.fromTree(ModelSpecs.toJson(spec))).isEqualTo(spec);
        assertThat(ModelSpecs.toJsonString(ModelSpecs.parse(written))).isEqualTo(written);
    }

    @Test
    void writesEveryFieldInDesignOrderAndOnlyTheFieldsOfTheChosenTypes() {
        ModelSpec spec = parse("{'task':'multiclass','features':4,'classes':2,'classNames':['no','yes'],"
                + "'architecture':{'type':'mlp','hidden':[8]},'optimizer':{'type':'adam'},"
                + "'update':{'mode':'minibatch'}}");
        ObjectNode o = ModelSpecs.toJson(spec);

        assertThat(names(o)).containsExactly("task", "features", "classes", "classNames", "architecture", "loss",
                "optimizer", "schedule", "interceptLearningRate", "l2", "l1", "clipNorm", "standardize", "update",
                "metrics", "publishEvery");
        assertThat(names(o.get("architecture"))).containsExactly("type", "hidden", "activation", "init", "seed");
        assertThat(names(o.get("optimizer"))).containsExactly("type", "learningRate", "beta1", "beta2", "epsilon");
        assertThat(names(o.get("update"))).containsExactly("mode", "batchSize", "maxDelayMs");
        assertThat(o.get("interceptLearningRate").isNull()).isTrue();
        assertThat(o.get("clipNorm").isNull()).isTrue();

        ObjectNode hashed = ModelSpecs.toJson(parse("{'task':'binary','hashBits':10,'loss':'log'}"));
        assertThat(names(hashed)).contains("hashBits").doesNotContain("features", "classes", "classNames");
        ObjectNode huber = ModelSpecs.toJson(parse("{" + REG + ",'loss':'huber'}"));
        assertThat(names(huber)).containsSubsequence("loss", "huberDelta", "optimizer");
        assertThat(huber.get("huberDelta").doubleValue()).isEqualTo(1.0);
        ObjectNode ftrl = ModelSpecs.toJson(parse("{" + REG + ",'optimizer':{'type':'ftrl'}}"));
        assertThat(names(ftrl.get("optimizer"))).containsExactly("type", "alpha", "beta", "l1", "l2");
    }

    private static List<String> names(com.fasterxml.jackson.databind.JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void dimensionAndOutputs() {
        ModelSpec hashed = parse("{'task':'multiclass','hashBits':12,'classes':5}");
        assertThat(hashed.dimension()).isEqualTo(4096);
        assertThat(hashed.outputs()).isEqualTo(5);
        assertThat(parse("{'task':'regression','hashBits':24}").dimension()).isEqualTo(1 << 24);
        assertThat(parse("{'task':'binary','features':1000000}").dimension()).isEqualTo(1_000_000);
    }

    @Test
    void acceptsIntegralFloatsForIntegerFields() {
        assertThat(parse("{'task':'regression','features':3.0,'publishEvery':1e2}"))
                .isEqualTo(parse("{'task':'regression','features':3,'publishEvery':100}"));
    }

    // ---- invalid specs ----

    /** The cases of {@code specs/invalid-specs.txt}: what, spec, the field named, a fragment of the message. */
    static Stream<Arguments> invalidSpecs() throws IOException {
        try (InputStream in = ModelSpecsTest.class.getResourceAsStream("/specs/invalid-specs.txt")) {
            assertThat(in).as("specs/invalid-specs.txt on the test class path").isNotNull();
            List<Arguments> cases = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                assertThat(f).as("four fields separated by | in: %s", line).hasSize(4);
                cases.add(Arguments.of(f[0].trim(), json(f[1].trim()), f[2].trim(), f[3].trim()));
            }
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void rejectsInvalidSpecsNamingTheField(String what, String spec, String field, String fragment) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> ModelSpecs.parse(spec));

        assertThat(e).as("expected a SpecException for " + spec).isNotNull();
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e).hasMessageContaining(fragment);
    }

    @Test
    void rejectsNonFiniteNumbersInATree() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode()
                .put("task", "regression").put("features", 3).put("l2", Double.NaN);
        assertThatThrownBy(() -> ModelSpecs.fromTree(tree))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.field()).isEqualTo("l2"))
                .hasMessage("l2: must be a finite number, got NaN");
        assertThatThrownBy(() -> ModelSpecs.fromTree(null))
                .isInstanceOf(SpecException.class).hasMessageContaining("must be a JSON object");
    }

    // ---- records validate on their own ----

    @Test
    void recordsValidateWhenBuiltInCode() {
        assertThatThrownBy(() -> new OptimizerSpec("sgd", 0.01, 0.9, 0, 0, 0, 0, 0, 0, 0, 0))
                .isInstanceOfSatisfying(SpecException.class,
                        e -> assertThat(e.field()).isEqualTo("optimizer.momentum"))
                .hasMessage("optimizer.momentum: not a field of optimizer type sgd");
        assertThatThrownBy(() -> OptimizerSpec.adam(0.1, 1.0, 0.999, 1e-8))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.field()).isEqualTo("optimizer.beta1"));
        assertThatThrownBy(() -> OptimizerSpec.sgd(Double.POSITIVE_INFINITY))
                .hasMessage("optimizer.learningRate: must be a finite number, got Infinity");
        assertThatThrownBy(() -> UpdateSpec.minibatch(0, 0)).hasMessageStartingWith("update.batchSize:");
        assertThatThrownBy(() -> new ScheduleSpec("constant", 0, 0, 5, 0)).hasMessageStartingWith("schedule.every:");
        assertThatThrownBy(() -> new ArchitectureSpec("linear", List.of(), "relu", null, 0))
                .hasMessageStartingWith("architecture.activation: not a field");
        assertThatThrownBy(() -> new MetricsSpec(10, 1.5)).hasMessageStartingWith("metrics.ewmaAlpha:");
        ModelSpec base = parse("{" + REG + "}");
        assertThatThrownBy(() -> new ModelSpec(null, 3, null, null, null, base.architecture(), base.loss(),
                base.huberDelta(), base.optimizer(), base.schedule(), null, 0, 0, null, true, base.update(),
                base.metrics(), 1))
                .hasMessage("task: required");
    }

    @Test
    void recordsCopyTheirLists() {
        List<Integer> hidden = new ArrayList<>(List.of(4, 2));
        ArchitectureSpec mlp = ArchitectureSpec.mlp(hidden);
        hidden.add(7);
        assertThat(mlp.hidden()).containsExactly(4, 2);
        assertThatThrownBy(() -> mlp.hidden().add(1)).isInstanceOf(UnsupportedOperationException.class);

        List<String> names = new ArrayList<>(List.of("a", "b"));
        ModelSpec spec = new ModelSpec(Task.MULTICLASS, 2, null, 2, names, ArchitectureSpec.linear(),
                "cross_entropy", 1.0, OptimizerSpec.sgd(0.1), ScheduleSpec.constant(), null, 0, 0, null, true,
                UpdateSpec.sample(), MetricsSpec.DEFAULT, 100);
        names.set(0, "z");
        assertThat(spec.classNames()).containsExactly("a", "b");
    }

    // ---- requiresRestart ----

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("nothing", FULL, false),
                Arguments.of("learning rate", FULL.replace("0.01", "0.5"), false),
                Arguments.of("optimizer type", FULL.replace("'adam'", "'sgd'"), false),
                Arguments.of("schedule", FULL.replace("'constant'", "'exponential'"), false),
                Arguments.of("l2", FULL.replace("'l2':0.0", "'l2':0.1"), false),
                Arguments.of("standardize", FULL.replace("true", "false"), false),
                Arguments.of("update mode", FULL.replace("'sample'", "'minibatch'"), false),
                Arguments.of("publishEvery", FULL.replace("100", "5"), false),
                Arguments.of("classNames added", FULL.replace("'classes':3", "'classes':3,'classNames':['a','b','c']"),
                        false),
                Arguments.of("task", "{'task':'binary','features':4,"
                        + "'architecture':{'type':'mlp','hidden':[8]},'optimizer':{'type':'adam'}}", true),
                Arguments.of("features", FULL.replace("'features':4", "'features':5"), true),
                Arguments.of("features to hashBits", FULL.replace("'features':4", "'hashBits':2"), true),
                Arguments.of("classes", FULL.replace("'classes':3", "'classes':4"), true),
                Arguments.of("architecture type", FULL.replace(
                        "{'type':'mlp','hidden':[8],'activation':'relu','init':'he','seed':42}", "{'type':'linear'}"),
                        true),
                Arguments.of("hidden layers", FULL.replace("[8]", "[8,4]"), true),
                Arguments.of("activation", FULL.replace("'relu'", "'tanh'"), true),
                Arguments.of("seed", FULL.replace("42", "43"), true));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("changes")
    void restartsOnlyWhenTaskDimensionClassesOrArchitectureChange(String what, String changed, boolean restart) {
        ModelSpec old = parse(FULL);
        ModelSpec neu = parse(changed);
        assertThat(ModelSpecs.requiresRestart(old, neu)).isEqualTo(restart);
        assertThat(ModelSpecs.requiresRestart(neu, old)).isEqualTo(restart);
        if (!what.equals("nothing")) {
            assertThat(neu).isNotEqualTo(old);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 20})
    void hashedDimensionChangeRestarts(int bits) {
        ModelSpec a = parse("{'task':'regression','hashBits':" + bits + "}");
        ModelSpec b = parse("{'task':'regression','hashBits':" + (bits + 1) + "}");
        assertThat(ModelSpecs.requiresRestart(a, b)).isTrue();
        assertThat(ModelSpecs.requiresRestart(a, a)).isFalse();
    }
}
