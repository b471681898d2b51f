package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.BiConsumer;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.store.state.ModelState;

/**
 * What follows the champion's learning of an event, in one place for the service ({@link ModelLifecycle}) and
 * {@code streamlearn backtest}, so that both give the same detections, promotions and parameters bit for bit
 * (DESIGN.md "Drift detection" and "Challengers"), in this order:
 *
 * <ol>
 *   <li>the champion's prediction is added to the metrics of the served predictions;</li>
 *   <li>every challenger predicts, is scored with its own progressive metrics and learns the event;</li>
 *   <li>the event is counted ({@link ModelState#countEvent});</li>
 *   <li>with drift detection, the champion's signal goes to the detector; a detection is a {@code drift}
 *       record, then its action: {@code reset} restarts the champion ({@link ModelState#resetAfterDrift}),
 *       {@code promote} promotes the challenger with the lowest window loss if it is lower than the
 *       champion's, {@code alert} does nothing more;</li>
 *   <li>the promotion rule ({@link ModelState#promotionDue}): a {@code promotion} record, then the change.</li>
 * </ol>
 *
 * The records go to {@code events} as {@code (type, record)}; nothing is allocated unless one is emitted.
 */
public final class CandidateStep {

    private CandidateStep() {
    }

    /**
     * Runs the steps above for the event {@code e}, which {@code s}'s champion has just learned with outcome
     * {@code o}.
     *
     * @return the model to continue with: {@code s} itself (possibly with another champion: compare
     *         {@link ModelState#championIndex()}), or a new state after a drift reset
     */
    public static ModelState afterLearn(ModelState s, ExampleEncoder encoder, ParsedEvent e, Outcome o, long now,
            BiConsumer<String, ObjectNode> events) {
        int champion = s.championIndex();
        double y = encoder.label(e);
        s.recordServed(o, y);
        for (int i = 0; i < s.candidateCount(); i++) {
            if (i != champion) {
                encoder.learn(s.candidate(i), e);
            }
        }
        s.countEvent();
        if (s.drift() != null && s.observeDrift(o, y)) {
            events.accept("drift", Outputs.drift(s, now));
            switch (s.spec().drift().action()) {
                case "reset" -> {
                    return s.resetAfterDrift(now);
                }
                case "promote" -> {
                    int best = s.bestChallenger();
                    if (best >= 0 && s.windowLoss(best) < s.windowLoss(champion)) {
                        promote(s, best, "drift", now, events);
                    }
                    return s;
                }
                default -> {
                }
            }
        }
        int due = s.promotionDue();
        if (due >= 0) {
            promote(s, due, "rule", now, events);
        }
        return s;
    }

    private static void promote(ModelState s, int candidate, String reason, long now,
            BiConsumer<String, ObjectNode> events) {
        String previous = s.championName();
        double before = s.windowLoss(s.championIndex());
        s.promote(candidate, now);
        events.accept("promotion", Outputs.promotion(s, previous, reason, before, now));
    }
}
