package org.streamlearn.app.backtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import org.streamlearn.app.backtest.replicas.ReplicatedRun;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.streams.CandidateStep;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * One spec's run in a backtest: a fresh model learning every event in order.
 *
 * <p>With a label delay N > 0 (DESIGN.md "Delayed labels", the backtest convention): for each event t, predict
 * it and remember the prediction; then reveal the label of event t − N, if any: score its remembered
 * prediction, then learn it with the current parameters ({@code OnlineLearner.learnServed}); at the end the
 * remaining labels are revealed in order. N = 0 is ordinary progressive validation. With drift detection or
 * challengers, a revealed label then goes to the detector and the candidates as in the service's lifecycle
 * ({@code FeedbackJoin}: the challengers learn it when it is revealed, with their parameters as they are then).
 */
public final class BacktestRun {

    private final String name;
    private final ModelSpec spec;
    private ModelState model;
    private final ExampleEncoder encoder;
    private final ArrayNode modelEvents = JsonNodeFactory.instance.arrayNode();
    private final BiConsumer<String, ObjectNode> recorder = (type, record) -> modelEvents.add(record);
    private final int labelDelay;
    private final ArrayDeque<Served> waiting = new ArrayDeque<>();
    private long skipped;
    private final ReplicatedRun replicated;

    /**
     * A prediction waiting for its label: the event, a copy of its encoded features, its label and weight, the
     * served scores.
     */
    private record Served(ParsedEvent event, double[] x, double y, double weight, double[] scores) {
    }

    /** A fresh run of {@code spec} named {@code name}. */
    public BacktestRun(String name, ModelSpec spec) {
        this(name, spec, 0);
    }

    /** A fresh run of {@code spec} named {@code name} whose labels arrive {@code labelDelay} events late. */
    public BacktestRun(String name, ModelSpec spec, int labelDelay) {
        if (labelDelay < 0) {
            throw new IllegalArgumentException("labelDelay: must be >= 0, got " + labelDelay);
        }
        this.name = name;
        this.spec = spec;
        this.model = ModelState.create(name, spec, 0);
        this.encoder = new ExampleEncoder(spec);
        this.labelDelay = labelDelay;
        this.replicated = spec.replicas() == null ? null : ReplicatedRun.checked(name, spec, labelDelay);
    }

    /**
     * Learns one event (progressive validation first), or with a label delay predicts it and reveals the label
     * of the event {@code labelDelay} events earlier; throws InvalidEventException, model untouched. With drift
     * detection or challengers, the scored event then goes to the detector and the candidates exactly as the
     * service's lifecycle does ({@code ModelLifecycle}): the same {@code model-events} records, the same restart
     * for action {@code reset}, the same promotions.
     */
    public void learn(ParsedEvent e, long atMs) {
        if (replicated != null) {
            model = replicated.learn(e, 0, atMs);
            return;
        }
        if (labelDelay == 0) {
            Outcome o = encoder.learn(model.learner(), e);
            model.touch(atMs);
            if (model.drift() != null || model.candidateCount() > 1) {
                model = CandidateStep.afterLearn(model, encoder, e, o, atMs, recorder);
            }
            return;
        }
        double[] x = encoder.features(e).clone();
        double y = encoder.label(e);
        try {
            model.learner().validate(x, y, e.weight());
        } catch (InvalidExampleException ex) {
            throw new InvalidEventException(ex.field(), ex.getMessage().substring(ex.field().length() + 2));
        }
        waiting.addLast(new Served(e, x, y, e.weight(), model.learner().predict(x).scores()));
        if (waiting.size() > labelDelay) {
            reveal(atMs);
        }
    }

    private void reveal(long atMs) {
        Served s = waiting.removeFirst();
        Outcome o = model.learner().learnServed(s.x(), s.y(), s.weight(), s.scores());
        model.touch(atMs);
        if (model.drift() != null || model.candidateCount() > 1) {
            model = CandidateStep.afterLearn(model, encoder, s.event(), o, atMs, recorder);
        }
    }

    /** The {@code model-events} records of this run so far (drifts, promotions), as the service publishes them. */
    public ArrayNode modelEvents() {
        return modelEvents;
    }

    /** Counts an event this run skipped as invalid. */
    public void skip() {
        skipped++;
    }

    /** Applies the final partial mini-batch, as at the end of a stream. */
    public void finish(long atMs) {
        if (replicated != null) {
            model = replicated.finish(atMs);
            return;
        }
        while (!waiting.isEmpty()) {
            reveal(atMs);
        }
        if (model.learner().flush()) {
            model.touch(atMs);
        }
    }

    /** The run's name. */
    public String name() {
        return name;
    }

    /** The spec. */
    public ModelSpec spec() {
        return spec;
    }

    /** The model. */
    public ModelState model() {
        return model;
    }

    /** Events skipped as invalid. */
    public long skipped() {
        return skipped;
    }

    /**
     * A trace line: events seen and the rolling loss; with challengers also the champion's name and every
     * candidate's window loss ({@code "candidates": {"main": …, "adam": …}}).
     */
    public ObjectNode traceLine() {
        LearnerState s = model.learned();
        RollingLoss r = s.rolling();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("seen", s.seen());
        o.put("steps", s.steps());
        o.put("loss", r.mean());
        o.put("ewma", r.ewma());
        o.put("window", r.windowMean());
        metricsInto(o.putObject("metrics"));
        if (model.candidateCount() > 1) {
            o.put("champion", model.championName());
            ObjectNode c = o.putObject("candidates");
            for (int i = 0; i < model.candidateCount(); i++) {
                double w = model.windowLoss(i);
                if (Double.isFinite(w)) {
                    c.put(ModelState.candidateName(spec, i), w);
                } else {
                    c.putNull(ModelState.candidateName(spec, i));
                }
            }
        }
        return o;
    }

    /** The whole-stream progressive means, by task. */
    public void metricsInto(ObjectNode o) {
        Metrics.into(model, o);
    }

    /** The summary entry: name, spec, seen, metrics, final model. */
    public ObjectNode summary() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name);
        o.set("spec", ModelSpecs.toJson(spec));
        o.put("seen", model.learned().seen());
        o.put("steps", model.learned().steps());
        o.put("skipped", skipped);
        if (labelDelay > 0) {
            o.put("labelDelay", labelDelay);
        }
        o.put("refused", model.learned().refused());
        metricsInto(o.putObject("metrics"));
        if (spec.drift() != null || !spec.challengers().isEmpty()) {
            o.set("modelEvents", modelEvents.deepCopy());
        }
        o.set("model", JsonStateCodec.toJson(model));
        return o;
    }
}
