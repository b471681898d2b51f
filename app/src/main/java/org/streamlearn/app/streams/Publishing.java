package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/** How {@link ModelLifecycle} publishes a model: a snapshot or a metrics record added to its {@link Emissions}. */
final class Publishing {

    private final Emissions out;
    private final FeedbackJoin feedback;

    Publishing(Emissions out, FeedbackJoin feedback) {
        this.out = out;
        this.feedback = feedback;
    }

    /** A snapshot of {@code s} for {@code model-parameters}, or a dead letter if it cannot be encoded. */
    void snapshot(ModelState s, long now) {
        byte[] json;
        try {
            json = JsonStateCodec.toBytes(s);
        } catch (IllegalArgumentException ex) {
            out.add(Emissions.Kind.DEAD_LETTER, s.modelId(), Outputs.bytes(Outputs.deadLetter(s.modelId(), "", -1,
                    -1, "snapshot", "snapshot not published: " + ex.getMessage(), null, now)));
            return;
        }
        out.add(Emissions.Kind.PARAMETERS, s.modelId(), json);
    }

    /** The rolling-loss record of {@code m} (with its feedback counters), marking it published. */
    void metrics(LiveModel m, long now) {
        m.metricsPublishedAtSeen = m.state().learned().seen();
        ObjectNode o = Outputs.metrics(m.state(), now);
        feedback.putMetrics(o, m.state());
        out.add(Emissions.Kind.METRICS, m.state().modelId(), Outputs.bytes(o));
    }
}
