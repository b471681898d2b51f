package org.streamlearn.store.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.streamlearn.core.drift.Adwin;
import org.streamlearn.core.drift.PageHinkley;
import org.streamlearn.store.spec.ModelSpec.ArchitectureSpec;
import org.streamlearn.store.spec.ModelSpec.OptimizerSpec;
import org.streamlearn.store.spec.ModelSpec.ScheduleSpec;

/**
 * Writes a spec as a JSON tree ({@link ModelSpecs#toJson}), every field explicit and in
 * DESIGN.md's order. Whole numbers that fit an {@code int} ({@code seed}, {@code maxDelayMs}) are
 * written as {@code int} nodes, so that the text does not depend on the Java type.
 */
final class SpecWriter {

    private SpecWriter() {
    }

    /** See {@link ModelSpecs#toJson}. */
    static ObjectNode write(ModelSpec spec) {
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
        writeArchitecture(o.putObject("architecture"), spec.architecture());
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
        writeSchedule(o.putObject("schedule"), spec.schedule());
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
        if (spec.drift() != null) {
            writeDrift(o.putObject("drift"), spec.drift());
        }
        if (!spec.challengers().isEmpty()) {
            ArrayNode cs = o.putArray("challengers");
            for (ChallengerSpec c : spec.challengers()) {
                ObjectNode co = cs.addObject();
                co.put("name", c.name());
                co.set("spec", write(c.spec()));
            }
            ObjectNode promotion = o.putObject("promotion");
            putWhole(promotion, "minEvents", spec.promotion().minEvents());
            promotion.put("margin", spec.promotion().margin());
            putWhole(promotion, "checkEvery", spec.promotion().checkEvery());
        }
        if (spec.feedback() != null) {
            ObjectNode f = o.putObject("feedback");
            putWhole(f, "ttlMs", spec.feedback().ttlMs());
            if (spec.feedback().dropOnExpiry()) {
                f.put("onExpiry", "drop");
            } else {
                f.putObject("onExpiry").put("label", spec.feedback().expiryLabel().doubleValue());
            }
            putWhole(f, "maxPending", spec.feedback().maxPending());
        }
        if (spec.replicas() != null) {
            ObjectNode r = o.putObject("replicas");
            r.put("count", spec.replicas().count());
            r.put("syncEvery", spec.replicas().syncEvery());
        }
        return o;
    }

    private static void writeArchitecture(ObjectNode a, ArchitectureSpec arch) {
        a.put("type", arch.type());
        if (arch.type().equals("mlp")) {
            ArrayNode hidden = a.putArray("hidden");
            arch.hidden().forEach(w -> hidden.add(w.intValue()));
            a.put("activation", arch.activation());
            a.put("init", arch.init());
            putWhole(a, "seed", arch.seed());
        }
    }

    /** Only when drift detection is configured, so that a spec without it keeps its exact text. */
    private static void writeDrift(ObjectNode o, DriftSpec drift) {
        o.put("detector", drift.detector().name());
        if (drift.detector() instanceof Adwin a) {
            o.put("delta", a.delta());
            o.put("clock", a.clock());
            o.put("maxBuckets", a.maxBuckets());
            o.put("gracePeriod", a.gracePeriod());
        } else if (drift.detector() instanceof PageHinkley ph) {
            putWhole(o, "minInstances", ph.minInstances());
            o.put("delta", ph.delta());
            o.put("threshold", ph.threshold());
            o.put("alpha", ph.alpha());
        }
        o.put("signal", drift.signal());
        o.put("action", drift.action());
    }

    private static void writeSchedule(ObjectNode s, ScheduleSpec sched) {
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
    }

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
