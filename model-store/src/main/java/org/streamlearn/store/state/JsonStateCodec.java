package org.streamlearn.store.state;

import static org.streamlearn.store.state.StateFormatException.CHECKS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.MlpModel;
import org.streamlearn.core.model.Model;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.OptimizerState;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.LearnerConfigs;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;

/**
 * The JSON form of a {@link ModelState}, as published on {@code model-parameters} (DESIGN.md "Outputs"):
 *
 * <pre>{@code
 * {"schemaVersion": 1, "model": "m", "version": 1001, "seen": 1001, "updates": 1001, "refused": 0,
 *  "timedFlushes": 0, "spec": {...}, "weights": [..] | [[..]], "intercept": b | [..],   (linear)
 *  "layers": [{"weights": [[..]], "bias": [..]}, ...],                                   (mlp, instead)
 *  "optimizer": {"type": "adam", "step": 1001, "slots": {"m": [..], "v": [..]}},
 *  "scaler": {"count": [..], "mean": [..], "variance": [..]} | null,
 *  "batch": {"count": 3, "gradientSum": [..], "startedAtMs": ..}   (only while a batch is open)
 *  "metrics": {...sums...}, "rolling": {...}, "lastStep": {"gradientNorm", "learningRate"},
 *  "updatedAtMs": ...}
 * }</pre>
 *
 * A linear model's {@code weights} are {@code [d]} ({@code [classes][d]} for multiclass) and its
 * {@code intercept} a number ({@code [classes]}); an MLP's {@code layers} are its layers from the input side, each
 * weight matrix {@code [out][in]} and bias {@code [out]} ({@link MlpModel}). Optimizer slots and the batch
 * gradient are flat vectors in the model's parameter layout (linear: weights row by row, then intercepts; MLP:
 * every layer's weights, then every layer's biases). Non-finite numbers are refused before anything is written;
 * reading checks every field, names the one that is wrong, and refuses unknown fields and unknown schema
 * versions.
 */
public final class JsonStateCodec {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> FIELDS = Set.of("schemaVersion", "model", "version", "seen", "updates",
            "refused", "timedFlushes", "spec", "weights", "intercept", "layers", "optimizer", "scaler", "batch",
            "metrics", "rolling", "lastStep", "updatedAtMs");

    private JsonStateCodec() {
    }

    /** Longest JSON text of one {@code double} with its separator ({@code -2.2250738585072014E-308,}). */
    private static final long DOUBLE_CHARS = 25;
    /** Longest JSON text of one {@code long} with its separator. */
    private static final long LONG_CHARS = 21;
    /** Room for every field name, bracket and scalar of a snapshot (under 1 KiB measured), with margin. */
    private static final long FIXED_CHARS = 4096;

    /**
     * An upper bound of the size of {@link #toBytes} for any state of a model {@code modelId} with
     * {@code spec} (an open mini-batch and a full rolling window included), computed from the spec alone in
     * {@code long}: every number at its longest text, the id at its longest escaping.
     */
    public static long maxEncodedSize(String modelId, ModelSpec spec) {
        long n = spec.parameterCount();
        long d = spec.standardize() ? spec.dimension() : 0;
        long slots = LearnerConfigs.optimizer(spec.optimizer()).slotNames().length;
        long doubles = n * (1 + slots + (spec.update().mode().equals("minibatch") ? 1 : 0)) + 2 * d
                + spec.metrics().window();
        long specLength = ModelSpecs.toJsonString(spec).getBytes(StandardCharsets.UTF_8).length;
        long id = 6L * modelId.getBytes(StandardCharsets.UTF_8).length;
        long rowBrackets = 3 * n; // "[...]," around each row of a weight matrix: at most one row per parameter
        return FIXED_CHARS + id + specLength + DOUBLE_CHARS * doubles + LONG_CHARS * d + rowBrackets;
    }

    /** The snapshot as a JSON tree. */
    public static ObjectNode toJson(ModelState m) {
        LearnerState s = m.learned();
        LearnerConfig c = m.learner().config();
        int d = c.features();
        int k = c.outputs();
        double[] p = s.params();
        ObjectNode o = F.objectNode();
        o.put("schemaVersion", ModelState.SCHEMA_VERSION);
        o.put("model", m.modelId());
        o.put("version", m.version());
        o.put("seen", s.seen());
        o.put("updates", s.steps());
        o.put("refused", s.refused());
        o.put("timedFlushes", s.timedFlushes());
        o.set("spec", ModelSpecs.toJson(m.spec()));
        if (m.learner().model() instanceof MlpModel mlp) {
            ArrayNode layers = o.putArray("layers");
            for (int l = 0; l < mlp.layers(); l++) {
                int in = mlp.layerInputs(l);
                int out = mlp.layerOutputs(l);
                int off = mlp.weightOffset(l);
                ObjectNode layer = layers.addObject();
                ArrayNode rows = layer.putArray("weights");
                for (int r = 0; r < out; r++) {
                    rows.add(array("layers[" + l + "].weights[" + r + "]", p, off + r * in, in));
                }
                layer.set("bias", array("layers[" + l + "].bias", p, mlp.biasOffset(l), out));
            }
        } else if (k == 1) {
            o.set("weights", array("weights", p, 0, d));
            o.put("intercept", finite("intercept", p[d]));
        } else {
            ArrayNode rows = F.arrayNode();
            for (int r = 0; r < k; r++) {
                rows.add(array("weights[" + r + "]", p, r * d, d));
            }
            o.set("weights", rows);
            o.set("intercept", array("intercept", p, k * d, k));
        }
        ObjectNode opt = o.putObject("optimizer");
        opt.put("type", c.optimizer().name());
        opt.put("step", s.optimizer().step());
        ObjectNode slots = opt.putObject("slots");
        String[] names = c.optimizer().slotNames();
        for (int i = 0; i < names.length; i++) {
            double[] slot = s.optimizer().slots()[i];
            slots.set(names[i], array("optimizer.slots." + names[i], slot, 0, slot.length));
        }
        Standardizer sc = s.scaler();
        if (sc == null) {
            o.putNull("scaler");
        } else {
            ObjectNode so = o.putObject("scaler");
            ArrayNode counts = so.putArray("count");
            for (long n : sc.count()) {
                counts.add(n);
            }
            so.set("mean", array("scaler.mean", sc.mean(), 0, sc.dimension()));
            so.set("variance", array("scaler.variance", sc.variance(), 0, sc.dimension()));
        }
        if (s.batchCount() > 0) {
            ObjectNode b = o.putObject("batch");
            b.put("count", s.batchCount());
            b.set("gradientSum", array("batch.gradientSum", s.batchGradient(), 0, p.length));
            b.put("startedAtMs", m.batchStartedAtMs());
        }
        ProgressiveMetrics pm = s.metrics();
        ObjectNode mo = o.putObject("metrics");
        mo.put("count", pm.count());
        putMetric(mo, "sumSquaredError", pm.sumSquaredError());
        putMetric(mo, "sumAbsoluteError", pm.sumAbsoluteError());
        putMetric(mo, "sumLogLoss", pm.sumLogLoss());
        mo.put("correct", pm.correct());
        mo.put("truePositives", pm.truePositives());
        mo.put("falsePositives", pm.falsePositives());
        mo.put("falseNegatives", pm.falseNegatives());
        RollingLoss r = s.rolling();
        ObjectNode ro = o.putObject("rolling");
        ro.put("count", r.count());
        putMetric(ro, "sum", r.sum());
        putMetric(ro, "ewma", r.ewmaRaw());
        ro.put("position", r.position());
        ArrayNode win = ro.putArray("window");
        for (int i = 0; i < r.filled(); i++) {
            addMetric(win, r.window()[i]);
        }
        ObjectNode last = o.putObject("lastStep");
        putNullable(last, "gradientNorm", s.lastGradientNorm());
        putNullable(last, "learningRate", s.lastLearningRate());
        o.put("updatedAtMs", m.updatedAtMs());
        return o;
    }

    /** The snapshot as compact JSON text. */
    public static String toJsonString(ModelState m) {
        try {
            return Json.MAPPER.writeValueAsString(toJson(m));
        } catch (JsonProcessingException e) {
            throw new StateFormatException("snapshot", "cannot be written: " + e.getOriginalMessage(), e);
        }
    }

    /** The snapshot as UTF-8 JSON bytes. */
    public static byte[] toBytes(ModelState m) {
        try {
            return Json.MAPPER.writeValueAsBytes(toJson(m));
        } catch (JsonProcessingException e) {
            throw new StateFormatException("snapshot", "cannot be written: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads JSON text. */
    public static ModelState parse(String json) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StateFormatException("snapshot", "not valid JSON: " + (Json.isTrailingContent(e)
                    ? "unexpected content after the snapshot" : e.getOriginalMessage()), e);
        }
        return fromJson(n);
    }

    /** Reads a snapshot tree, checking every field. */
    public static ModelState fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new StateFormatException("snapshot", "must be a JSON object");
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw new StateFormatException(name, "unknown field");
            }
        }
        int schema = (int) longField(o, "schemaVersion");
        o = Migrations.toCurrent(schema, o);
        String id = text(o, "model");
        ModelSpec spec;
        try {
            spec = ModelSpecs.fromTree(req(o, "spec"));
        } catch (SpecException e) {
            throw new StateFormatException("spec." + e.field(), e.getMessage(), e);
        }
        LearnerConfig c = LearnerConfigs.of(spec);
        int d = c.features();
        int k = c.outputs();
        Model model = c.architecture().create(d, k);
        int n = model.parameterCount();
        double[] p = new double[n];
        if (model instanceof MlpModel mlp) {
            readLayers(o, mlp, p);
        } else {
            readLinear(o, d, k, p);
        }
        JsonNode opt = req(o, "optimizer");
        Optimizer optimizer = c.optimizer();
        String type = text(opt, "type");
        if (!type.equals(optimizer.name())) {
            throw new StateFormatException("optimizer.type", "'" + type + "' differs from the spec's '"
                    + optimizer.name() + "'");
        }
        String[] names = optimizer.slotNames();
        double[][] slots = new double[names.length][n];
        JsonNode so = req(opt, "slots");
        if (so.size() != names.length) {
            throw new StateFormatException("optimizer.slots", "expected " + List.of(names) + ", got "
                    + so.size() + " slots");
        }
        for (int i = 0; i < names.length; i++) {
            read(req(so, names[i]), "optimizer.slots." + names[i], slots[i], 0, n);
        }
        OptimizerState os = new OptimizerState(longField(opt, "step"), slots);
        Standardizer scaler = null;
        JsonNode sc = o.get("scaler");
        if (sc != null && !sc.isNull()) {
            JsonNode cn = req(sc, "count");
            if (!cn.isArray() || cn.size() != d) {
                throw new StateFormatException("scaler.count", "expected " + d + " counts");
            }
            long[] count = new long[d];
            for (int j = 0; j < d; j++) {
                if (!cn.get(j).canConvertToLong() || !cn.get(j).isIntegralNumber()) {
                    throw new StateFormatException("scaler.count[" + j + "]", "must be a count >= 0");
                }
                count[j] = CHECKS.atLeast("scaler.count[" + j + "]", cn.get(j).asLong(), 0);
            }
            double[] mean = new double[d];
            double[] var = new double[d];
            read(req(sc, "mean"), "scaler.mean", mean, 0, d);
            read(req(sc, "variance"), "scaler.variance", var, 0, d);
            scaler = new Standardizer(count, mean, var);
        }
        double[] batch = new double[n];
        int batchCount = 0;
        long batchStarted = 0;
        JsonNode b = o.get("batch");
        if (b != null && !b.isNull()) {
            batchCount = (int) longField(b, "count");
            read(req(b, "gradientSum"), "batch.gradientSum", batch, 0, n);
            batchStarted = longField(b, "startedAtMs");
        }
        JsonNode mo = req(o, "metrics");
        ProgressiveMetrics pm = new ProgressiveMetrics(longField(mo, "count"),
                metric(req(mo, "sumSquaredError"), "metrics.sumSquaredError"),
                metric(req(mo, "sumAbsoluteError"), "metrics.sumAbsoluteError"),
                metric(req(mo, "sumLogLoss"), "metrics.sumLogLoss"), longField(mo, "correct"),
                longField(mo, "truePositives"), longField(mo, "falsePositives"), longField(mo, "falseNegatives"));
        JsonNode ro = req(o, "rolling");
        JsonNode win = req(ro, "window");
        int size = c.metricsWindow();
        if (!win.isArray() || win.size() > size) {
            throw new StateFormatException("rolling.window", "expected at most " + size + " values");
        }
        double[] ring = new double[size];
        for (int i = 0; i < win.size(); i++) {
            ring[i] = metric(win.get(i), "rolling.window[" + i + "]");
        }
        RollingLoss rolling;
        try {
            rolling = new RollingLoss(c.ewmaAlpha(), longField(ro, "count"), metric(req(ro, "sum"), "rolling.sum"),
                    metric(req(ro, "ewma"), "rolling.ewma"), ring, (int) longField(ro, "position"), win.size());
        } catch (IllegalArgumentException e) {
            throw new StateFormatException("rolling", e.getMessage(), e);
        }
        LearnerState learned;
        try {
            learned = new LearnerState(p, os, scaler, pm, rolling, batch, batchCount, longField(o, "seen"),
                    longField(o, "refused"), longField(o, "timedFlushes"));
        } catch (IllegalArgumentException e) {
            throw new StateFormatException("snapshot", e.getMessage(), e);
        }
        if (learned.steps() != longField(o, "updates")) {
            throw new StateFormatException("updates", "differs from optimizer.step " + learned.steps());
        }
        JsonNode last = o.get("lastStep");
        if (last != null && !last.isNull()) {
            learned.setLastStep(nullable(last, "gradientNorm"), nullable(last, "learningRate"));
        }
        try {
            return ModelState.restore(id, spec, c, learned, longField(o, "version"), longField(o, "updatedAtMs"),
                    batchStarted);
        } catch (IllegalArgumentException e) {
            throw new StateFormatException("snapshot", e.getMessage(), e);
        }
    }

    /** Reads a linear model's {@code weights} and {@code intercept}; {@code layers} must be absent. */
    private static void readLinear(JsonNode o, int d, int k, double[] p) {
        if (o.has("layers")) {
            throw new StateFormatException("layers", "only for architecture mlp (a linear model has weights and "
                    + "intercept)");
        }
        JsonNode w = req(o, "weights");
        if (k == 1) {
            read(w, "weights", p, 0, d);
            p[d] = num(req(o, "intercept"), "intercept");
        } else {
            if (!w.isArray() || w.size() != k) {
                throw new StateFormatException("weights", "expected " + k + " rows");
            }
            for (int r = 0; r < k; r++) {
                read(w.get(r), "weights[" + r + "]", p, r * d, d);
            }
            read(req(o, "intercept"), "intercept", p, k * d, k);
        }
    }

    /** Reads an MLP's {@code layers}; {@code weights} and {@code intercept} must be absent. */
    private static void readLayers(JsonNode o, MlpModel mlp, double[] p) {
        for (String field : List.of("weights", "intercept")) {
            if (o.has(field)) {
                throw new StateFormatException(field, "not for architecture mlp (its parameters are in layers)");
            }
        }
        JsonNode layers = req(o, "layers");
        if (!layers.isArray() || layers.size() != mlp.layers()) {
            throw new StateFormatException("layers", "expected an array of " + mlp.layers() + " layers");
        }
        for (int l = 0; l < mlp.layers(); l++) {
            String path = "layers[" + l + "]";
            JsonNode layer = layers.get(l);
            if (!layer.isObject()) {
                throw new StateFormatException(path, "must be an object with weights and bias");
            }
            for (Iterator<String> it = layer.fieldNames(); it.hasNext();) {
                String name = it.next();
                if (!name.equals("weights") && !name.equals("bias")) {
                    throw new StateFormatException(path + "." + name, "unknown field");
                }
            }
            int in = mlp.layerInputs(l);
            int out = mlp.layerOutputs(l);
            JsonNode rows = layer.get("weights");
            if (rows == null || !rows.isArray() || rows.size() != out) {
                throw new StateFormatException(path + ".weights", "expected " + out + " rows of " + in
                        + " numbers");
            }
            int off = mlp.weightOffset(l);
            for (int r = 0; r < out; r++) {
                read(rows.get(r), path + ".weights[" + r + "]", p, off + r * in, in);
            }
            read(layer.get("bias"), path + ".bias", p, mlp.biasOffset(l), out);
        }
    }

    // --- helpers

    /**
     * Metric accumulators (not parameters) may legitimately overflow: a diverging model's loss is infinite. They
     * are written as numbers when finite, else as the strings "Infinity", "-Infinity" or "NaN", so that such a
     * model can still be published and restored; parameters and optimizer slots are always finite.
     */
    private static void putMetric(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.put(name, Double.toString(v));
        }
    }

    private static void addMetric(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.add(Double.toString(v));
        }
    }

    private static double metric(JsonNode v, String field) {
        if (v != null && v.isTextual()) {
            switch (v.asText()) {
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                case "NaN":
                    return Double.NaN;
                default:
                    throw new StateFormatException(field, "must be a number, \"Infinity\", \"-Infinity\" or \"NaN\"");
            }
        }
        if (v == null || !v.isNumber()) {
            throw new StateFormatException(field, "must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static ArrayNode array(String field, double[] v, int from, int len) {
        ArrayNode a = F.arrayNode(len);
        for (int i = from; i < from + len; i++) {
            a.add(finite(field + "[" + (i - from) + "]", v[i]));
        }
        return a;
    }

    static double finite(String field, double v) {
        if (!Double.isFinite(v)) {
            throw new StateFormatException(field, "non-finite number " + v + " cannot be written");
        }
        return v;
    }

    private static void putNullable(ObjectNode o, String name, double v) {
        if (Double.isNaN(v)) {
            o.putNull(name);
        } else {
            o.put(name, finite("lastStep." + name, v));
        }
    }

    private static double nullable(JsonNode o, String name) {
        JsonNode v = o.get(name);
        return v == null || v.isNull() ? Double.NaN : num(v, "lastStep." + name);
    }

    private static JsonNode req(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new StateFormatException(name, "required");
        }
        return v;
    }

    private static String text(JsonNode o, String name) {
        JsonNode v = req(o, name);
        if (!v.isTextual()) {
            throw new StateFormatException(name, "must be a string");
        }
        return v.asText();
    }

    private static long longField(JsonNode o, String name) {
        JsonNode v = req(o, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new StateFormatException(name, "must be an integer, got " + v);
        }
        return v.asLong();
    }

    private static double num(JsonNode v, String field) {
        if (v == null || !v.isNumber()) {
            throw new StateFormatException(field, "must be a number, got " + v);
        }
        return CHECKS.finite(field, v.doubleValue());
    }

    private static void read(JsonNode a, String field, double[] out, int from, int len) {
        if (a == null || !a.isArray() || a.size() != len) {
            throw new StateFormatException(field, "expected an array of " + len + " numbers");
        }
        for (int i = 0; i < len; i++) {
            out[from + i] = num(a.get(i), field + "[" + i + "]");
        }
    }
}
