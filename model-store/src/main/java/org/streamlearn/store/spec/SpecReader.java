package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.streamlearn.core.drift.Adwin;
import org.streamlearn.core.drift.PageHinkley;
import org.streamlearn.core.model.Task;
import org.streamlearn.store.spec.ModelSpec.ArchitectureSpec;
import org.streamlearn.store.spec.ModelSpec.FeedbackSpec;
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
            "clipNorm", "standardize", "update", "metrics", "publishEvery", "drift", "challengers", "promotion",
            "feedback", "replicas");
    private static final List<String> CHALLENGER = List.of("name", "spec");
    private static final List<String> PROMOTION = List.of("minEvents", "margin", "checkEvery");
    private static final List<String> FEEDBACK = List.of("ttlMs", "onExpiry", "maxPending");
    private static final List<String> REPLICAS = List.of("count", "syncEvery");
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
        ModelSpec champion = new ModelSpec(task, features, hashBits, classes, classNames, architecture, loss,
                huberDelta, optimizer, schedule, interceptLearningRate, l2, l1, clipNorm, standardize, update,
                metrics, publishEvery);
        List<ChallengerSpec> challengers = challengers(tree, champion);
        PromotionSpec promotion = promotion(o.object("promotion"), !challengers.isEmpty());
        FeedbackSpec feedback = feedback(o.object("feedback"), classNames);
        ReplicasSpec replicas = replicas(o.object("replicas"));
        return champion.withCandidates(drift, challengers, promotion).withFeedback(feedback).withReplicas(replicas);
    }

    /** {@code replicas}: {@code count} (required) and {@code syncEvery}; absent: one key. */
    private static ReplicasSpec replicas(SpecObject o) {
        if (o == null) {
            return null;
        }
        o.checkKnown(REPLICAS);
        Integer count = o.optionalInt("count");
        if (count == null) {
            throw CHECKS.fail(o.path("count"), "required");
        }
        return new ReplicasSpec(count, o.integer("syncEvery", ReplicasSpec.DEFAULT_SYNC_EVERY));
    }

    /**
     * The {@code challengers} array: each {@code {"name", "spec": {overrides}}}, the overrides applied to the
     * champion's written spec field by field, then read as a spec; errors name {@code challengers[i].spec.…}.
     */
    private static List<ChallengerSpec> challengers(JsonNode tree, ModelSpec champion) {
        JsonNode array = tree.get("challengers");
        if (array == null) {
            return List.of();
        }
        if (!array.isArray()) {
            throw CHECKS.fail("challengers", "expected an array of {\"name\", \"spec\"} objects");
        }
        if (array.size() > ChallengerSpec.MAX) {
            throw CHECKS.fail("challengers", "at most " + ChallengerSpec.MAX + " challengers, got " + array.size());
        }
        ObjectNode base = SpecWriter.write(champion);
        List<ChallengerSpec> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "challengers[" + i + "]";
            SpecObject c = SpecObject.at(array.get(i), path);
            c.checkKnown(CHALLENGER);
            String name = c.string("name", null);
            if (name == null) {
                throw CHECKS.fail(path + ".name", "required");
            }
            JsonNode overrides = array.get(i).get("spec");
            if (overrides == null || !overrides.isObject()) {
                throw CHECKS.fail(path + ".spec", "required: an object of overrides of the champion's spec");
            }
            ObjectNode merged = base.deepCopy();
            for (var f : overrides.properties()) {
                String field = f.getKey();
                if (ChallengerSpec.CHAMPION_ONLY.contains(field)) {
                    throw CHECKS.fail(path + ".spec." + field, "a challenger has no " + field + " of its own");
                }
                if (ChallengerSpec.INPUT.contains(field) && !f.getValue().equals(base.get(field))) {
                    throw CHECKS.fail(path + ".spec." + field, "a challenger learns the champion's events: "
                            + field + " must be the champion's");
                }
                merged.set(field, f.getValue());
            }
            ModelSpec spec;
            try {
                spec = read(merged);
            } catch (SpecException e) {
                String field = e.field().isEmpty() ? path + ".spec" : path + ".spec." + e.field();
                throw new SpecException(field, path + ".spec." + e.getMessage());
            }
            try {
                out.add(new ChallengerSpec(name, spec));
            } catch (SpecException e) {
                throw new SpecException(path + "." + e.field(), path + "." + e.getMessage());
            }
        }
        return out;
    }

    /** The {@code promotion} section: defaults when absent with challengers; an error without them. */
    private static PromotionSpec promotion(SpecObject o, boolean challengers) {
        if (o == null) {
            return challengers ? PromotionSpec.DEFAULT : null;
        }
        if (!challengers) {
            throw CHECKS.fail("promotion", "only allowed with challengers");
        }
        o.checkKnown(PROMOTION);
        return new PromotionSpec(o.whole("minEvents", PromotionSpec.DEFAULT.minEvents()),
                o.number("margin", PromotionSpec.DEFAULT.margin()),
                o.whole("checkEvery", PromotionSpec.DEFAULT.checkEvery()));
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
                m -> m.equals("minibatch") ? UPDATE : List.of());
        if (mode.equals("sample")) {
            return UpdateSpec.sample();
        }
        if (mode.equals("batch")) {
            return UpdateSpec.batch();
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

    /**
     * {@code feedback}: {@code ttlMs}, {@code maxPending}, and {@code onExpiry}, either {@code "drop"} or
     * {@code {"label": number | true | false | class name}}; absent: no feedback.
     */
    private static FeedbackSpec feedback(SpecObject o, List<String> classNames) {
        if (o == null) {
            return null;
        }
        o.checkKnown(FEEDBACK);
        long ttlMs = o.whole("ttlMs", FeedbackSpec.DEFAULT_TTL_MS);
        long maxPending = o.whole("maxPending", FeedbackSpec.DEFAULT_MAX_PENDING);
        Double label = null;
        JsonNode onExpiry = o.raw("onExpiry");
        String path = o.path("onExpiry");
        if (onExpiry != null) {
            if (onExpiry.isTextual()) {
                CHECKS.oneOf(path, onExpiry.textValue(), List.of("drop"));
            } else if (onExpiry.isObject()) {
                SpecObject e = o.object("onExpiry");
                e.checkKnown(List.of("label"));
                JsonNode l = e.raw("label");
                String lp = e.path("label");
                if (l == null || l.isNull()) {
                    throw CHECKS.fail(lp, "required");
                } else if (l.isBoolean()) {
                    label = l.booleanValue() ? 1.0 : 0.0;
                } else if (l.isTextual()) {
                    int idx = classNames == null ? -1 : classNames.indexOf(l.textValue());
                    if (idx < 0) {
                        throw CHECKS.fail(lp, "unknown class '" + l.textValue() + "'"
                                + (classNames == null ? " (the spec has no classNames)" : ""));
                    }
                    label = (double) idx;
                } else {
                    label = e.number("label", 0);
                }
            } else {
                throw CHECKS.fail(path, "must be \"drop\" or {\"label\": …}, got " + onExpiry.getNodeType()
                        .toString().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return new FeedbackSpec(ttlMs, label, maxPending);
    }
}
