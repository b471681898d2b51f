package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.streamlearn.core.drift.Adwin;
import org.streamlearn.core.drift.PageHinkley;
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
            "clipNorm", "standardize", "update", "metrics", "publishEvery", "drift");
    private static final List<String> ARCHITECTURE = List.of("type", "hidden", "activation", "init", "seed");
    private static final List<String> UPDATE = List.of("mode", "batchSize", "maxDelayMs");
    private static final List<String> METRICS = List.of("window", "ewmaAlpha");
    private static final List<String> OPTIMIZER = withType(OptimizerTypes.FIELDS);
    private static final List<String> SCHEDULE = withType(ScheduleTypes.FIELDS);
    private static final List<String> DRIFT = List.of("detector", "delta", "clock", "maxBuckets", "gracePeriod",
            "minInstances", "threshold", "alpha", "signal", "action");


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
        DriftSpec drift = drift(o.object("drift"));
        return new ModelSpec(task, features, hashBits, classes, classNames, architecture, loss, huberDelta,
                optimizer, schedule, interceptLearningRate, l2, l1, clipNorm, standardize, update, metrics,
                publishEvery, drift);
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
        String type = o == null ? "linear" : o.discriminator("type", "linear", ArchitectureSpec.TYPES, ARCHITECTURE,
                t -> t.equals("linear") ? List.of() : ARCHITECTURE);
        if (type.equals("linear")) {
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
        String type = o.discriminator("type", "sgd", OptimizerSpec.TYPES, OPTIMIZER, OptimizerTypes::fieldsOf);
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
        String type = o.discriminator("type", "constant", ScheduleSpec.TYPES, SCHEDULE, ScheduleTypes::fieldsOf);
        List<String> own = ScheduleTypes.fieldsOf(type);
        ScheduleSpec d = ScheduleSpec.defaults(type);
        return new ScheduleSpec(type,
                own.contains("decay") ? o.number("decay", d.decay()) : 0,
                own.contains("factor") ? o.number("factor", d.factor()) : 0,
                own.contains("every") ? o.integer("every", d.every()) : 0,
                own.contains("power") ? o.number("power", d.power()) : 0);
    }

    /** {@code "type"} and then the parameter fields. */
    private static List<String> withType(List<String> fields) {
        List<String> known = new ArrayList<>(fields);
        known.add(0, "type");
        return List.copyOf(known);
    }

    private static UpdateSpec update(SpecObject o) {
        String mode = o == null ? "sample" : o.discriminator("mode", "sample", UpdateSpec.MODES, UPDATE,
                m -> m.equals("sample") ? List.of() : UPDATE);
        if (mode.equals("sample")) {
            return UpdateSpec.sample();
        }
        return UpdateSpec.minibatch(o.integer("batchSize", UpdateSpec.DEFAULT_BATCH_SIZE), o.whole("maxDelayMs", 0));
    }

    /** The {@code drift} section; {@code null} when absent (no detection). */
    private static DriftSpec drift(SpecObject o) {
        if (o == null) {
            return null;
        }
        String detector = o.discriminator("detector", null, DriftSpec.DETECTORS, DRIFT,
                SpecReader::driftFieldsOf);
        Adwin a = Adwin.defaults();
        PageHinkley ph = PageHinkley.defaults();
        boolean adwin = detector.equals("adwin");
        var config = DriftSpec.config(detector, o.number("delta", adwin ? a.delta() : ph.delta()),
                adwin ? o.integer("clock", a.clock()) : 0, adwin ? o.integer("maxBuckets", a.maxBuckets()) : 0,
                adwin ? o.integer("gracePeriod", a.gracePeriod()) : 0,
                adwin ? 0 : o.whole("minInstances", ph.minInstances()),
                adwin ? 0 : o.number("threshold", ph.threshold()), adwin ? 0 : o.number("alpha", ph.alpha()));
        return new DriftSpec(config, o.string("signal", "error"), o.string("action", "alert"));
    }

    /** A detector's parameter fields, then {@code signal} and {@code action}. */
    private static List<String> driftFieldsOf(String detector) {
        List<String> all = new ArrayList<>(DriftSpec.fieldsOf(detector));
        all.add("signal");
        all.add("action");
        return all;
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
