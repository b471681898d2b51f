package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.streamlearn.core.model.Task;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec.ArchitectureSpec;
import org.streamlearn.store.spec.ModelSpec.MetricsSpec;
import org.streamlearn.store.spec.ModelSpec.OptimizerSpec;
import org.streamlearn.store.spec.ModelSpec.ScheduleSpec;
import org.streamlearn.store.spec.ModelSpec.UpdateSpec;

/**
 * The JSON form of {@link ModelSpec} (DESIGN.md "Model spec"): {@link #parse} and
 * {@link #fromTree} read it strictly, filling in defaults; {@link #toJson} writes every field
 * explicitly. Any problem is a {@link SpecException} naming the field by its JSON path: an
 * unknown field, a field that does not belong to the chosen type, a wrong JSON type, a
 * {@code null} where none is allowed, an out-of-range value. Only the first problem is reported.
 */
public final class ModelSpecs {

    private static final List<String> TOP_LEVEL = List.of("task", "features", "hashBits", "classes", "classNames",
            "architecture", "loss", "huberDelta", "optimizer", "schedule", "interceptLearningRate", "l2", "l1",
            "clipNorm", "standardize", "update", "metrics", "publishEvery");
    private static final List<String> ARCHITECTURE = List.of("type", "hidden", "activation", "init", "seed");
    private static final List<String> UPDATE = List.of("mode", "batchSize", "maxDelayMs");
    private static final List<String> METRICS = List.of("window", "ewmaAlpha");

    private ModelSpecs() {
    }

    /**
     * Parses and validates a spec.
     *
     * @param json the spec as JSON text
     * @return the spec, defaults filled in
     * @throws SpecException if the text is not JSON or not a valid spec
     */
    public static ModelSpec parse(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String problem = Json.isTrailingContent(e) ? "unexpected content after the spec" : e.getOriginalMessage();
            throw CHECKS.fail("", "malformed JSON: " + problem + at(e.getLocation()));
        }
        return fromTree(tree);
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Validates a spec already read as a JSON tree.
     *
     * @param node the spec, a JSON object
     * @return the spec, defaults filled in
     * @throws SpecException if {@code node} is not a valid spec
     */
    public static ModelSpec fromTree(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw CHECKS.fail("", "must be a JSON object, got " + describe(node));
        }
        checkKnown(node, "", TOP_LEVEL);
        String taskName = string(node, "", "task", null);
        if (taskName == null) {
            throw CHECKS.fail("task", "required");
        }
        Task task = task(taskName);
        Integer features = optionalInt(node, "", "features");
        Integer hashBits = optionalInt(node, "", "hashBits");
        Integer classes = optionalInt(node, "", "classes");
        List<String> classNames = optionalStrings(node, "", "classNames");
        ArchitectureSpec architecture = architecture(object(node, "", "architecture"));
        String loss = string(node, "", "loss", ModelSpec.lossesOf(task).get(0));
        double huberDelta = number(node, "", "huberDelta", ModelSpec.DEFAULT_HUBER_DELTA);
        OptimizerSpec optimizer = optimizer(object(node, "", "optimizer"));
        ScheduleSpec schedule = schedule(object(node, "", "schedule"));
        Double interceptLearningRate = nullableNumber(node, "", "interceptLearningRate");
        double l2 = number(node, "", "l2", 0);
        double l1 = number(node, "", "l1", 0);
        Double clipNorm = nullableNumber(node, "", "clipNorm");
        boolean standardize = bool(node, "", "standardize", true);
        UpdateSpec update = update(object(node, "", "update"));
        MetricsSpec metrics = metrics(object(node, "", "metrics"));
        int publishEvery = integer(node, "", "publishEvery", ModelSpec.DEFAULT_PUBLISH_EVERY);
        return new ModelSpec(task, features, hashBits, classes, classNames, architecture, loss, huberDelta,
                optimizer, schedule, interceptLearningRate, l2, l1, clipNorm, standardize, update, metrics,
                publishEvery);
    }

    /**
     * Writes a spec with every field explicit, in DESIGN.md's order: only the fields of the chosen
     * types, {@code null} for an unset {@code interceptLearningRate} or {@code clipNorm},
     * {@code features} or {@code hashBits} (whichever is set), {@code classes} and
     * {@code classNames} only when set. {@code huberDelta} is written for the huber loss, and for
     * other losses only when it is not the default. {@code parse(toJsonString(s))} equals {@code s}.
     */
    public static ObjectNode toJson(ModelSpec spec) {
        Objects.requireNonNull(spec, "spec");
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("task", spec.task().logicalName());
        if (spec.features() != null) {
            o.put("features", spec.features().intValue());
        } else {
            o.put("hashBits", spec.hashBits().intValue());
        }
        if (spec.classes() != null) {
            o.put("classes", spec.classes().intValue());
        }
        if (spec.classNames() != null) {
            ArrayNode names = o.putArray("classNames");
            spec.classNames().forEach(names::add);
        }
        ArchitectureSpec arch = spec.architecture();
        ObjectNode a = o.putObject("architecture");
        a.put("type", arch.type());
        if (arch.type().equals("mlp")) {
            ArrayNode hidden = a.putArray("hidden");
            arch.hidden().forEach(w -> hidden.add(w.intValue()));
            a.put("activation", arch.activation());
            a.put("init", arch.init());
            putWhole(a, "seed", arch.seed());
        }
        o.put("loss", spec.loss());
        if (spec.loss().equals("huber") || spec.huberDelta() != ModelSpec.DEFAULT_HUBER_DELTA) {
            o.put("huberDelta", spec.huberDelta());
        }
        OptimizerSpec opt = spec.optimizer();
        ObjectNode p = o.putObject("optimizer");
        p.put("type", opt.type());
        for (String field : OptimizerSpec.fieldsOf(opt.type())) {
            p.put(field, opt.get(field));
        }
        ScheduleSpec sched = spec.schedule();
        ObjectNode s = o.putObject("schedule");
        s.put("type", sched.type());
        switch (sched.type()) {
            case "exponential":
                s.put("decay", sched.decay());
                break;
            case "step":
                s.put("factor", sched.factor());
                s.put("every", sched.every());
                break;
            case "inverse":
                s.put("power", sched.power());
                break;
            default:
                break;
        }
        putNullable(o, "interceptLearningRate", spec.interceptLearningRate());
        o.put("l2", spec.l2());
        o.put("l1", spec.l1());
        putNullable(o, "clipNorm", spec.clipNorm());
        o.put("standardize", spec.standardize());
        ObjectNode u = o.putObject("update");
        u.put("mode", spec.update().mode());
        if (spec.update().mode().equals("minibatch")) {
            u.put("batchSize", spec.update().batchSize());
            putWhole(u, "maxDelayMs", spec.update().maxDelayMs());
        }
        ObjectNode m = o.putObject("metrics");
        m.put("window", spec.metrics().window());
        m.put("ewmaAlpha", spec.metrics().ewmaAlpha());
        o.put("publishEvery", spec.publishEvery());
        return o;
    }

    /** {@link #toJson} as compact JSON text. */
    public static String toJsonString(ModelSpec spec) {
        try {
            return Json.MAPPER.writeValueAsString(toJson(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /**
     * Whether changing a model's spec from {@code old} to {@code neu} starts it afresh (DESIGN.md
     * "Model command": a change of task, dimension or architecture). True when the task, the
     * input ({@code features} or {@code hashBits}, compared as given: dense and hashed inputs of
     * equal size still differ), {@code classes} or the architecture (any of its fields) differ;
     * any other change keeps the learned state.
     */
    public static boolean requiresRestart(ModelSpec old, ModelSpec neu) {
        Objects.requireNonNull(old, "old");
        Objects.requireNonNull(neu, "neu");
        return old.task() != neu.task()
                || !Objects.equals(old.features(), neu.features())
                || !Objects.equals(old.hashBits(), neu.hashBits())
                || !Objects.equals(old.classes(), neu.classes())
                || !old.architecture().equals(neu.architecture());
    }

    /** The task of a JSON name: {@code regression}, {@code binary} or {@code multiclass}, exactly. */
    private static Task task(String name) {
        return switch (CHECKS.oneOf("task", name, ModelSpec.TASKS)) {
            case "regression" -> Task.REGRESSION;
            case "binary" -> Task.BINARY;
            default -> Task.MULTICLASS;
        };
    }

    // ---- nested parts ----

    private static ArchitectureSpec architecture(JsonNode o) {
        if (o == null) {
            return ArchitectureSpec.linear();
        }
        checkKnown(o, "architecture", ARCHITECTURE);
        String type = CHECKS.oneOf("architecture.type", string(o, "architecture", "type", "linear"),
                ArchitectureSpec.TYPES);
        if (type.equals("linear")) {
            checkBelongs(o, "architecture", "type", List.of(), "architecture type linear");
            return ArchitectureSpec.linear();
        }
        List<Integer> hidden = optionalInts(o, "architecture", "hidden");
        String activation = string(o, "architecture", "activation", "relu");
        String init = string(o, "architecture", "init", "he");
        long seed = whole(o, "architecture", "seed", ArchitectureSpec.DEFAULT_SEED);
        return new ArchitectureSpec(type, hidden, activation, init, seed);
    }

    private static OptimizerSpec optimizer(JsonNode o) {
        if (o == null) {
            return OptimizerSpec.defaults("sgd");
        }
        List<String> known = new ArrayList<>(OptimizerTypes.FIELDS);
        known.add(0, "type");
        checkKnown(o, "optimizer", known);
        String type = CHECKS.oneOf("optimizer.type", string(o, "optimizer", "type", "sgd"), OptimizerSpec.TYPES);
        List<String> own = OptimizerSpec.fieldsOf(type);
        checkBelongs(o, "optimizer", "type", own, "optimizer type " + type);
        double[] values = new double[OptimizerTypes.FIELDS.size()];
        for (int i = 0; i < values.length; i++) {
            String field = OptimizerTypes.FIELDS.get(i);
            if (own.contains(field)) {
                values[i] = number(o, "optimizer", field, OptimizerTypes.defaultOf(field));
            }
        }
        return OptimizerSpec.of(type, values);
    }

    private static ScheduleSpec schedule(JsonNode o) {
        if (o == null) {
            return ScheduleSpec.constant();
        }
        List<String> known = new ArrayList<>(ScheduleTypes.FIELDS);
        known.add(0, "type");
        checkKnown(o, "schedule", known);
        String type = CHECKS.oneOf("schedule.type", string(o, "schedule", "type", "constant"), ScheduleSpec.TYPES);
        List<String> own = ScheduleSpec.fieldsOf(type);
        checkBelongs(o, "schedule", "type", own, "schedule type " + type);
        ScheduleSpec d = ScheduleSpec.defaults(type);
        return new ScheduleSpec(type,
                own.contains("decay") ? number(o, "schedule", "decay", d.decay()) : 0,
                own.contains("factor") ? number(o, "schedule", "factor", d.factor()) : 0,
                own.contains("every") ? integer(o, "schedule", "every", d.every()) : 0,
                own.contains("power") ? number(o, "schedule", "power", d.power()) : 0);
    }

    private static UpdateSpec update(JsonNode o) {
        if (o == null) {
            return UpdateSpec.sample();
        }
        checkKnown(o, "update", UPDATE);
        String mode = CHECKS.oneOf("update.mode", string(o, "update", "mode", "sample"), UpdateSpec.MODES);
        if (mode.equals("sample")) {
            checkBelongs(o, "update", "mode", List.of(), "update mode sample");
            return UpdateSpec.sample();
        }
        return UpdateSpec.minibatch(integer(o, "update", "batchSize", UpdateSpec.DEFAULT_BATCH_SIZE),
                whole(o, "update", "maxDelayMs", 0));
    }

    private static MetricsSpec metrics(JsonNode o) {
        if (o == null) {
            return MetricsSpec.DEFAULT;
        }
        checkKnown(o, "metrics", METRICS);
        return new MetricsSpec(integer(o, "metrics", "window", MetricsSpec.DEFAULT.window()),
                number(o, "metrics", "ewmaAlpha", MetricsSpec.DEFAULT.ewmaAlpha()));
    }

    // ---- structure ----

    private static String path(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** Every field of {@code o} is one of {@code known}. */
    private static void checkKnown(JsonNode o, String parent, List<String> known) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw CHECKS.fail(path(parent, name),
                        "unknown field '" + name + "' in " + (parent.isEmpty() ? "spec" : parent));
            }
        }
    }

    /** Every field of {@code o} but the {@code discriminator} is one of {@code own}. */
    private static void checkBelongs(JsonNode o, String parent, String discriminator, List<String> own,
                                     String kind) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals(discriminator) && !own.contains(name)) {
                throw CHECKS.notAField(path(parent, name), kind);
            }
        }
    }

    /** The field's node; {@code null} when absent; an error when JSON null. */
    private static JsonNode field(JsonNode parent, String parentPath, String name) {
        JsonNode n = parent.get(name);
        if (n != null && n.isNull()) {
            throw CHECKS.fail(path(parentPath, name), "must not be null");
        }
        return n;
    }

    private static JsonNode object(JsonNode parent, String parentPath, String name) {
        JsonNode n = field(parent, parentPath, name);
        if (n != null && !n.isObject()) {
            throw CHECKS.fail(path(parentPath, name), "expected an object, got " + describe(n));
        }
        return n;
    }

    private static String string(JsonNode parent, String parentPath, String name, String dflt) {
        JsonNode n = field(parent, parentPath, name);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw CHECKS.fail(path(parentPath, name), "expected a string, got " + describe(n));
        }
        return n.textValue();
    }

    private static boolean bool(JsonNode parent, String parentPath, String name, boolean dflt) {
        JsonNode n = field(parent, parentPath, name);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw CHECKS.fail(path(parentPath, name), "expected true or false, got " + describe(n));
        }
        return n.booleanValue();
    }

    private static double number(JsonNode parent, String parentPath, String name, double dflt) {
        JsonNode n = field(parent, parentPath, name);
        return n == null ? dflt : toDouble(path(parentPath, name), n);
    }

    private static Double nullableNumber(JsonNode parent, String parentPath, String name) {
        JsonNode n = parent.get(name);
        return n == null || n.isNull() ? null : toDouble(path(parentPath, name), n);
    }

    private static long whole(JsonNode parent, String parentPath, String name, long dflt) {
        JsonNode n = field(parent, parentPath, name);
        return n == null ? dflt : toLong(path(parentPath, name), n);
    }

    private static int integer(JsonNode parent, String parentPath, String name, int dflt) {
        JsonNode n = field(parent, parentPath, name);
        return n == null ? dflt : toInt(path(parentPath, name), n);
    }

    private static Integer optionalInt(JsonNode parent, String parentPath, String name) {
        JsonNode n = field(parent, parentPath, name);
        return n == null ? null : toInt(path(parentPath, name), n);
    }

    private static List<String> optionalStrings(JsonNode parent, String parentPath, String name) {
        JsonNode n = array(parent, parentPath, name, "strings");
        if (n == null) {
            return null;
        }
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual()) {
                throw CHECKS.fail(path(parentPath, name) + "[" + i + "]", "expected a string, got " + describe(e));
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static List<Integer> optionalInts(JsonNode parent, String parentPath, String name) {
        JsonNode n = array(parent, parentPath, name, "integers");
        if (n == null) {
            return null;
        }
        List<Integer> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            out.add(toInt(path(parentPath, name) + "[" + i + "]", n.get(i)));
        }
        return out;
    }

    private static JsonNode array(JsonNode parent, String parentPath, String name, String of) {
        JsonNode n = field(parent, parentPath, name);
        if (n != null && !n.isArray()) {
            throw CHECKS.fail(path(parentPath, name), "expected an array of " + of + ", got " + describe(n));
        }
        return n;
    }

    // ---- scalars ----

    private static double toDouble(String path, JsonNode n) {
        if (!n.isNumber()) {
            throw CHECKS.fail(path, "expected a number, got " + describe(n));
        }
        double v = n.doubleValue();
        CHECKS.finite(path, v);
        return v;
    }

    private static long toLong(String path, JsonNode n) {
        if (!n.isNumber()) {
            throw CHECKS.fail(path, "expected an integer, got " + describe(n));
        }
        if (n.isIntegralNumber()) {
            if (!n.canConvertToLong()) {
                throw CHECKS.fail(path, "out of range, got " + n);
            }
            return n.longValue();
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d) || d != Math.rint(d)) {
            throw CHECKS.fail(path, "expected an integer, got " + describe(n));
        }
        if (Math.abs(d) >= 0x1p63) {
            throw CHECKS.fail(path, "out of range, got " + n);
        }
        return (long) d;
    }

    private static int toInt(String path, JsonNode n) {
        long v = toLong(path, n);
        if (v != (int) v) {
            throw CHECKS.fail(path, "out of range, got " + v);
        }
        return (int) v;
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String text = n.toString();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        switch (n.getNodeType()) {
            case STRING:
                return "string " + text;
            case NUMBER:
                return "number " + text;
            case BOOLEAN:
                return "boolean " + text;
            case NULL:
                return "null";
            case ARRAY:
                return "an array";
            case OBJECT:
                return "an object";
            default:
                return n.getNodeType().name().toLowerCase(Locale.ROOT) + " " + text;
        }
    }

    // ---- writing ----

    private static void putWhole(ObjectNode o, String name, long v) {
        if (v == (int) v) {
            o.put(name, (int) v);
        } else {
            o.put(name, v);
        }
    }

    private static void putNullable(ObjectNode o, String name, Double v) {
        if (v == null) {
            o.putNull(name);
        } else {
            o.put(name, v.doubleValue());
        }
    }
}
