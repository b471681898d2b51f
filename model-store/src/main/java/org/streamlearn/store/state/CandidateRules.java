package org.streamlearn.store.state;

import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.core.model.Task;
import org.streamlearn.store.spec.ModelSpec;

/**
 * The per-event rules of a {@link ModelState}'s candidates (DESIGN.md "Challengers", "Drift detection"): the
 * best challenger, the promotion rule and the drift signal. Stateless; allocates nothing.
 */
final class CandidateRules {

    private CandidateRules() {
    }

    /** See {@link ModelState#bestChallenger()}. */
    static int bestChallenger(OnlineLearner[] candidates, int champion) {
        int best = -1;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int i = 0; i < candidates.length; i++) {
            double loss = candidates[i].state().rolling().windowMean();
            if (i != champion && Double.isFinite(loss) && (best < 0 || loss < bestLoss)) {
                best = i;
                bestLoss = loss;
            }
        }
        return best;
    }

    /** See {@link ModelState#promotionDue()}. */
    static int promotionDue(ModelState s) {
        var p = s.spec().promotion();
        long sinceChange = s.sinceChange();
        if (p == null || sinceChange < p.minEvents() || sinceChange % p.checkEvery() != 0) {
            return -1;
        }
        int best = s.bestChallenger();
        return best >= 0 && s.windowLoss(best) < s.windowLoss(s.championIndex()) * (1 - p.margin()) ? best : -1;
    }

    /** See {@link ModelState#observeDrift}: gives {@code drift} the signal of one scored event. */
    static boolean observe(DriftDetector drift, ModelSpec spec, Outcome o, double y) {
        double v;
        if (spec.drift().lossSignal()) {
            v = o.loss();
        } else if (spec.task() == Task.REGRESSION) {
            v = Math.abs(y - o.prediction());
        } else {
            v = o.label() == (int) y ? 0.0 : 1.0;
        }
        return Double.isFinite(v) && drift.update(v);
    }
}
