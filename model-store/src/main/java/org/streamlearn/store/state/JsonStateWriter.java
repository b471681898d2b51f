package org.streamlearn.store.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.MlpModel;
import org.streamlearn.core.model.Model;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.OptimizerState;
import org.streamlearn.store.spec.ModelSpecs;

/** Writes the JSON form described in {@link JsonStateCodec}, refusing non-finite parameters. */
final class JsonStateWriter {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonStateWriter() {
    }

    /** The snapshot as a JSON tree, its fields in the documented order. */
    static ObjectNode toJson(ModelState m) {
        LearnerState s = m.learned();
        ObjectNode o = F.objectNode();
        o.put("schemaVersion", ModelState.SCHEMA_VERSION);
        o.put("model", m.modelId());
        o.put("version", m.version());
        o.put("seen", s.seen());
        o.put("updates", s.steps());
        o.put("refused", s.refused());
        o.put("timedFlushes", s.timedFlushes());
        o.set("spec", ModelSpecs.toJson(m.spec()));
        writeLearner(o, m.learner(), m.batchStartedAtMs());
        if (m.drift() != null) {
            DriftCodec.write(o, m.drift());
        }
        if (m.candidateCount() > 1) {
            o.put("champion", m.championName());
            o.put("sinceChange", m.sinceChange());
            writeMetrics(o.putObject("served"), m.servedMetrics());
            ArrayNode challengers = o.putArray("challengers");
            for (int i = 0; i < m.candidateCount(); i++) {
                if (i != m.championIndex()) {
                    LearnerState cs = m.candidate(i).state();
                    ObjectNode co = challengers.addObject();
                    co.put("name", ModelState.candidateName(m.spec(), i));
                    co.put("seen", cs.seen());
                    co.put("updates", cs.steps());
                    co.put("refused", cs.refused());
                    co.put("timedFlushes", cs.timedFlushes());
                    writeLearner(co, m.candidate(i), -1);
                }
            }
        }
        o.put("updatedAtMs", m.updatedAtMs());
        return o;
    }

    /**
     * A learner's parameters, optimizer, scaler, open batch ({@code startedAtMs} when {@code batchStartedAtMs}
     * is not negative), metrics, rolling loss and last step.
     */
    private static void writeLearner(ObjectNode o, OnlineLearner learner, long batchStartedAtMs) {
        LearnerState s = learner.state();
        LearnerConfig c = learner.config();
        writeParameters(o, learner.model(), c, s.params());
        writeOptimizer(o.putObject("optimizer"), c.optimizer(), s.optimizer());
        writeScaler(o, s.scaler());
        if (s.batchCount() > 0) {
            ObjectNode b = o.putObject("batch");
            b.put("count", s.batchCount());
            b.set("gradientSum", array("batch.gradientSum", s.batchGradient(), 0, s.params().length));
            if (batchStartedAtMs >= 0) {
                b.put("startedAtMs", batchStartedAtMs);
            }
        }
        writeMetrics(o.putObject("metrics"), s.metrics());
        writeRolling(o.putObject("rolling"), s.rolling());
        ObjectNode last = o.putObject("lastStep");
        putNullable(last, "gradientNorm", s.lastGradientNorm());
        putNullable(last, "learningRate", s.lastLearningRate());
    }

    /** An MLP's {@code layers}, or a linear model's {@code weights} and {@code intercept}. */
    private static void writeParameters(ObjectNode o, Model model, LearnerConfig c, double[] p) {
        int d = c.features();
        int k = c.outputs();
        if (model instanceof MlpModel mlp) {
            ArrayNode layers = o.putArray("layers");
            for (int l = 0; l < mlp.layers(); l++) {
                int out = mlp.layerOutputs(l);
                ObjectNode layer = layers.addObject();
                layer.set("weights", matrix("layers[" + l + "].weights", p, mlp.weightOffset(l), out,
                        mlp.layerInputs(l)));
                layer.set("bias", array("layers[" + l + "].bias", p, mlp.biasOffset(l), out));
            }
        } else if (k == 1) {
            o.set("weights", array("weights", p, 0, d));
            o.put("intercept", finite("intercept", p[d]));
        } else {
            o.set("weights", matrix("weights", p, 0, k, d));
            o.set("intercept", array("intercept", p, k * d, k));
        }
    }

    private static void writeOptimizer(ObjectNode opt, Optimizer optimizer, OptimizerState state) {
        opt.put("type", optimizer.name());
        opt.put("step", state.step());
        ObjectNode slots = opt.putObject("slots");
        String[] names = optimizer.slotNames();
        for (int i = 0; i < names.length; i++) {
            double[] slot = state.slots()[i];
            slots.set(names[i], array("optimizer.slots." + names[i], slot, 0, slot.length));
        }
    }

    private static void writeScaler(ObjectNode o, Standardizer sc) {
        if (sc == null) {
            o.putNull("scaler");
            return;
        }
        ObjectNode so = o.putObject("scaler");
        ArrayNode counts = so.putArray("count");
        for (long n : sc.count()) {
            counts.add(n);
        }
        so.set("mean", array("scaler.mean", sc.mean(), 0, sc.dimension()));
        so.set("variance", array("scaler.variance", sc.variance(), 0, sc.dimension()));
    }

    private static void writeMetrics(ObjectNode mo, ProgressiveMetrics pm) {
        mo.put("count", pm.count());
        mo.set("sumSquaredError", metric(pm.sumSquaredError()));
        mo.set("sumAbsoluteError", metric(pm.sumAbsoluteError()));
        mo.set("sumLogLoss", metric(pm.sumLogLoss()));
        mo.put("correct", pm.correct());
        mo.put("truePositives", pm.truePositives());
        mo.put("falsePositives", pm.falsePositives());
        mo.put("falseNegatives", pm.falseNegatives());
    }

    private static void writeRolling(ObjectNode ro, RollingLoss r) {
        ro.put("count", r.count());
        ro.set("sum", metric(r.sum()));
        ro.set("ewma", metric(r.ewmaRaw()));
        ro.put("position", r.position());
        ArrayNode win = ro.putArray("window");
        for (int i = 0; i < r.filled(); i++) {
            win.add(metric(r.window()[i]));
        }
    }

    /**
     * Metric accumulators (not parameters) may legitimately overflow: a diverging model's loss is infinite. They
     * are written as numbers when finite, else as the strings "Infinity", "-Infinity" or "NaN", so that such a
     * model can still be published and restored; parameters and optimizer slots are always finite.
     */
    private static JsonNode metric(double v) {
        return Double.isFinite(v) ? F.numberNode(v) : F.textNode(Double.toString(v));
    }

    /** {@code rows} rows of {@code cols} numbers from {@code v[from..]}, row by row ({@code field[r][c]}). */
    private static ArrayNode matrix(String field, double[] v, int from, int rows, int cols) {
        ArrayNode a = F.arrayNode(rows);
        for (int r = 0; r < rows; r++) {
            a.add(array(field + "[" + r + "]", v, from + r * cols, cols));
        }
        return a;
    }

    private static ArrayNode array(String field, double[] v, int from, int len) {
        ArrayNode a = F.arrayNode(len);
        for (int i = from; i < from + len; i++) {
            a.add(finite(field + "[" + (i - from) + "]", v[i]));
        }
        return a;
    }

    private static double finite(String field, double v) {
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
}
