package org.streamlearn.store.state;

import static org.streamlearn.store.state.StateFormatException.CHECKS;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.MlpModel;
import org.streamlearn.core.model.Model;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.OptimizerState;
import org.streamlearn.store.spec.LearnerConfigs;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;

/**
 * Reads the JSON form described in {@link JsonStateCodec}: checks every field, names the one that is wrong, and
 * refuses unknown fields and unknown schema versions.
 */
final class JsonStateReader {

    private static final Set<String> FIELDS = Set.of("schemaVersion", "model", "version", "seen", "updates",
            "refused", "timedFlushes", "spec", "weights", "intercept", "layers", "optimizer", "scaler", "batch",
            "metrics", "rolling", "lastStep", "drift", "champion", "sinceChange", "served", "challengers", "updatedAtMs");
    private static final Set<String> CHALLENGER_FIELDS = Set.of("name", "seen", "updates", "refused",
            "timedFlushes", "weights", "intercept", "layers", "optimizer", "scaler", "batch", "metrics", "rolling",
            "lastStep");

    private JsonStateReader() {
    }

    /** Reads a snapshot tree, checking every field. */
    static ModelState fromJson(JsonNode o) {
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
        int candidates = 1 + spec.challengers().size();
        int champion = 0;
        long sinceChange = 0;
        ProgressiveMetrics served = null;
        if (candidates > 1) {
            champion = candidateIndex(spec, text(o, "champion"), "champion");
            sinceChange = longField(o, "sinceChange");
            served = readMetrics(req(o, "served"), "served");
        } else {
            for (String f : List.of("champion", "sinceChange", "served", "challengers")) {
                if (o.has(f)) {
                    throw new StateFormatException(f, "present, but the spec has no challengers");
                }
            }
        }
        LearnerConfig c = ModelStates.candidateConfig(spec, champion);
        JsonNode b = o.get("batch");
        long batchStarted = b != null && !b.isNull() ? longField(b, "startedAtMs") : 0;
        LearnerState learned = readLearner(o, c);
        DriftDetector drift = DriftCodec.read(o.get("drift"), spec.drift() == null ? null : spec.drift().detector());
        LearnerState[] others = null;
        if (candidates > 1) {
            JsonNode list = req(o, "challengers");
            if (!list.isArray() || list.size() != candidates - 1) {
                throw new StateFormatException("challengers", "expected " + (candidates - 1) + " challengers");
            }
            others = new LearnerState[candidates - 1];
            for (int i = 0, k = 0; i < candidates; i++) {
                if (i == champion) {
                    continue;
                }
                String path = "challengers[" + k + "]";
                JsonNode co = list.get(k);
                String name = ModelState.candidateName(spec, i);
                if (!co.isObject() || !name.equals(co.path("name").asText())) {
                    throw new StateFormatException(path + ".name", "expected '" + name + "'");
                }
                for (Iterator<String> it = co.fieldNames(); it.hasNext();) {
                    String f = it.next();
                    if (!CHALLENGER_FIELDS.contains(f)) {
                        throw new StateFormatException(path + "." + f, "unknown field");
                    }
                }
                try {
                    others[k] = readLearner(co, ModelStates.candidateConfig(spec, i));
                } catch (StateFormatException e) {
                    throw new StateFormatException(path + "." + e.field(), e.getMessage().substring(
                            e.field().length() + 2), e);
                }
                k++;
            }
        }
        try {
            return ModelStates.restore(id, spec, c, learned, drift, champion, sinceChange, others, served,
                    longField(o, "version"), longField(o, "updatedAtMs"), batchStarted);
        } catch (IllegalArgumentException e) {
            throw new StateFormatException("snapshot", e.getMessage(), e);
        }
    }

    private static ProgressiveMetrics readMetrics(JsonNode mo, String path) {
        return new ProgressiveMetrics(longField(mo, "count"),
                metric(req(mo, "sumSquaredError"), path + ".sumSquaredError"),
                metric(req(mo, "sumAbsoluteError"), path + ".sumAbsoluteError"),
                metric(req(mo, "sumLogLoss"), path + ".sumLogLoss"), longField(mo, "correct"),
                longField(mo, "truePositives"), longField(mo, "falsePositives"), longField(mo, "falseNegatives"));
    }

    /** The index of the candidate named {@code name} ({@code main} or a challenger). */
    private static int candidateIndex(ModelSpec spec, String name, String field) {
        for (int i = 0; i <= spec.challengers().size(); i++) {
            if (ModelState.candidateName(spec, i).equals(name)) {
                return i;
            }
        }
        throw new StateFormatException(field, "no candidate named '" + name + "'");
    }

    /** A learner's state from the fields of {@code o} (the snapshot, or one of its challengers). */
    private static LearnerState readLearner(JsonNode o, LearnerConfig c) {
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
        JsonNode bo = o.get("batch");
        if (bo != null && !bo.isNull()) {
            batchCount = (int) longField(bo, "count");
            read(req(bo, "gradientSum"), "batch.gradientSum", batch, 0, n);
        }
        ProgressiveMetrics pm = readMetrics(req(o, "metrics"), "metrics");
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
        return learned;
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
