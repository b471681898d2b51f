package org.streamlearn.app.streams;

import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ModelIds;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.Prediction;

/**
 * The prediction requests of {@link ModelLifecycle}: a prediction, or an error record carrying the request id,
 * added to its {@link Emissions}; a prediction of a model with feedback is handed to the {@link FeedbackJoin}
 * to be remembered. A replicated model answers with its latest merged model ({@link MergedModels}).
 */
final class PredictionServing {

    private final LiveModels models;
    private final Emissions out;
    private final FeedbackJoin feedback;
    private MergedModels merged = MergedModels.none();

    PredictionServing(LiveModels models, Emissions out, FeedbackJoin feedback) {
        this.models = models;
        this.out = out;
        this.feedback = feedback;
    }

    /** Serves replicated models with the merged models of {@code merged}. */
    void withMerged(MergedModels merged) {
        this.merged = merged;
    }

    /**
     * A prediction request with record timestamp {@code timestampMs}: answered, and for a model with feedback
     * and a request with an id, remembered until its label comes or it expires (DESIGN.md "Delayed labels").
     */
    Emissions onRequest(String key, ParsedEvent e, long now, long timestampMs) {
        out.clear();
        String problem = RecordKeys.problem(key, e.model(), "request");
        if (problem != null) {
            return predictionError(e.id(), ModelIds.display(key), problem.startsWith("model:") ? "model" : "key",
                    problem, now);
        }
        String id = key;
        LiveModel m = merged.served(models.model(id));
        if (m == null) {
            return predictionError(e.id(), id, "model", "model: unknown model '" + id + "'", now);
        }
        Prediction p;
        try {
            p = m.state().learner().predict(m.encoder().features(e));
        } catch (InvalidEventException ex) {
            return predictionError(e.id(), id, ex.field(), ex.getMessage(), now);
        } catch (InvalidExampleException ex) {
            InvalidEventException named = m.encoder().named(ex, e);
            return predictionError(e.id(), id, named.field(), named.getMessage(), now);
        }
        out.add(Emissions.Kind.PREDICTION, id, Outputs.bytes(Outputs.prediction(e.id(), m.state(), p, now)));
        if (e.id() != null && feedback.remembers(m.state())) {
            feedback.remember(m.state(), e, p.scores(), timestampMs, now);
        }
        return out;
    }

    /** A prediction request that could not be parsed: an error record with no request id. */
    Emissions onRequestRejected(String key, InvalidEventException ex, long now) {
        out.clear();
        String problem = RecordKeys.problem(key, null, "request");
        if (problem != null) {
            return predictionError(null, ModelIds.display(key), "key", problem, now);
        }
        return predictionError(null, key, ex.field(), ex.getMessage(), now);
    }

    private Emissions predictionError(String requestId, String model, String field, String reason, long now) {
        out.add(Emissions.Kind.PREDICTION, model,
                Outputs.bytes(Outputs.predictionError(requestId, model, field, reason, now)));
        return out;
    }
}
