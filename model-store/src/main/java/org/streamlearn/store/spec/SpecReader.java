package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.streamlearn.core.model.Task;
import org.streamlearn.store.spec.ModelSpec.ArchitectureSpec;
import org.streamlearn.store.spec.ModelSpec.MetricsSpec;
import org.streamlearn.store.spec.ModelSpec.OptimizerSpec;
import org.streamlearn.store.spec.ModelSpec.ScheduleSpec;
import org.streamlearn.store.spec.ModelSpec.UpdateSpec;

/**
 * Reads a spec's JSON tree section by section ({@link ModelSpecs#fromTree}): the top level, then
 * {@code architecture}, {@code optimizer}, {@code schedule}, {@code update} and {@code metrics}.
 * A section or field that is absent takes its default; a field that does not belong to the
 * section's type or mode is an error. The values are then checked by the records' constructors.
 */
final class SpecReader {

    private static final List<String> TOP_LEVEL = List.of("task", "features", "hashBits", "classes", "classNames",
            "architecture", "loss", "huberDelta", "optimizer", "schedule", "interceptLearningRate", "l2", "l1",
            "clipNorm", "standardize", "update", "metrics", "publishEvery");
    private static final List<String> ARCHITECTURE = List.of("type", "hidden", "activation", "init", "seed");
    private static final List<String> UPDATE = List.of("mode", "batchSize", "maxDelayMs");
    private static final List<String> METRICS = List.of("window", "ewmaAlpha");

    private SpecReader() {
    }

    /** See {@link ModelSpecs#fromTree}. */
    static ModelSpec read(JsonNode tree) {
        SpecObject o = SpecObject.root(tree);
        o.checkKnown(TOP_LEVEL);
        String taskName = o.string("task", null);
        if (taskName == null) {
            throw CHECKS.fail("task", "required");
        }
        Task task = task(taskName);
        Integer features = o.optionalInt("features");
        Integer hashBits = o.optionalInt("hashBits");
        Integer classes = o.optionalInt("classes");
        List<String> classNames = o.optionalStrings("classNames");
        ArchitectureSpec architecture = architecture(o.object("architecture"));
        String loss = o.string("loss", ModelSpec.lossesOf(task).get(0));
        double huberDelta = o.number("huberDelta", ModelSpec.DEFAULT_HUBER_DELTA);
        OptimizerSpec optimizer = optimizer(o.object("optimizer"));
        ScheduleSpec schedule = schedule(o.object("schedule"));
        Double interceptLearningRate = o.nullableNumber("interceptLearningRate");
        double l2 = o.number("l2", 0);
        double l1 = o.number("l1", 0);
        Double clipNorm = o.nullableNumber("clipNorm");
        boolean standardize = o.bool("standardize", true);
        UpdateSpec update = update(o.object("update"));
        MetricsSpec metrics = metrics(o.object("metrics"));
        int publishEvery = o.integer("publishEvery", ModelSpec.DEFAULT_PUBLISH_EVERY);
        return new ModelSpec(task, features, hashBits, classes, classNames, architecture, loss, huberDelta,
                optimizer, schedule, interceptLearningRate, l2, l1, clipNorm, standardize, update, metrics,
                publishEvery);
    }

    /** The task of a JSON name: {@code regression}, {@code binary} or {@code multiclass}, exactly. */
    private static Task task(String name) {
        return switch (CHECKS.oneOf("task", name, ModelSpec.TASKS)) {
            case "regression" -> Task.REGRESSION;
            case "binary" -> Task.BINARY;
            default -> Task.MULTICLASS;
        };
    }

    private static ArchitectureSpec architecture(SpecObject o) {
        if (o == null) {
            return ArchitectureSpec.linear();
        }
        o.checkKnown(ARCHITECTURE);
        String type = CHECKS.oneOf("architecture.type", o.string("type", "linear"), ArchitectureSpec.TYPES);
        if (type.equals("linear")) {
            o.checkBelongs("type", List.of(), "architecture type linear");
            return ArchitectureSpec.linear();
        }
        List<Integer> hidden = o.optionalInts("hidden");
        String activation = o.string("activation", "relu");
        String init = o.string("init", "he");
        long seed = o.whole("seed", ArchitectureSpec.DEFAULT_SEED);
        return new ArchitectureSpec(type, hidden, activation, init, seed);
    }

    private static OptimizerSpec optimizer(SpecObject o) {
        if (o == null) {
            return OptimizerSpec.defaults("sgd");
        }
        String type = typeOf(o, "optimizer", OptimizerSpec.TYPES, "sgd", OptimizerTypes.FIELDS,
                OptimizerTypes::fieldsOf);
        List<String> own = OptimizerTypes.fieldsOf(type);
        double[] values = new double[OptimizerTypes.FIELDS.size()];
        for (int i = 0; i < values.length; i++) {
            String field = OptimizerTypes.FIELDS.get(i);
            if (own.contains(field)) {
                values[i] = o.number(field, OptimizerTypes.defaultOf(field));
            }
        }
        return OptimizerSpec.of(type, values);
    }

    private static ScheduleSpec schedule(SpecObject o) {
        if (o == null) {
            return ScheduleSpec.constant();
        }
        String type = typeOf(o, "schedule", ScheduleSpec.TYPES, "constant", ScheduleTypes.FIELDS,
                ScheduleTypes::fieldsOf);
        List<String> own = ScheduleTypes.fieldsOf(type);
        ScheduleSpec d = ScheduleSpec.defaults(type);
        return new ScheduleSpec(type,
                own.contains("decay") ? o.number("decay", d.decay()) : 0,
                own.contains("factor") ? o.number("factor", d.factor()) : 0,
                own.contains("every") ? o.integer("every", d.every()) : 0,
                own.contains("power") ? o.number("power", d.power()) : 0);
    }

    /**
     * Reads the {@code type} of a section with a parameter table, and checks that every field is
     * {@code type} or a parameter, and every parameter one of the type's {@code fieldsOf}.
     */
    private static String typeOf(SpecObject o, String section, List<String> types, String dflt, List<String> fields,
                                 Function<String, List<String>> fieldsOf) {
        List<String> known = new ArrayList<>(fields);
        known.add(0, "type");
        o.checkKnown(known);
        String type = CHECKS.oneOf(section + ".type", o.string("type", dflt), types);
        o.checkBelongs("type", fieldsOf.apply(type), section + " type " + type);
        return type;
    }

    private static UpdateSpec update(SpecObject o) {
        if (o == null) {
            return UpdateSpec.sample();
        }
        o.checkKnown(UPDATE);
        String mode = CHECKS.oneOf("update.mode", o.string("mode", "sample"), UpdateSpec.MODES);
        if (mode.equals("sample")) {
            o.checkBelongs("mode", List.of(), "update mode sample");
            return UpdateSpec.sample();
        }
        return UpdateSpec.minibatch(o.integer("batchSize", UpdateSpec.DEFAULT_BATCH_SIZE), o.whole("maxDelayMs", 0));
    }

    private static MetricsSpec metrics(SpecObject o) {
        if (o == null) {
            return MetricsSpec.DEFAULT;
        }
        o.checkKnown(METRICS);
        return new MetricsSpec(o.integer("window", MetricsSpec.DEFAULT.window()),
                o.number("ewmaAlpha", MetricsSpec.DEFAULT.ewmaAlpha()));
    }
}
