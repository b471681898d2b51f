package org.streamlearn.core.replica;

import java.util.List;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.model.LearnerState;

/**
 * Parameter mixing (Zinkevich et al. 2010, "Parallelized Stochastic Gradient Descent"; McMahan et al. 2017,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data", FedAvg): the merged parameters
 * of a round are the update-weighted average of the replicas' reported parameters,
 * {@code m_j = Σ_i w_i·p_ij} with {@code w_i = u_i / Σ_k u_k} ({@code u_i} the updates of replica i; equal
 * weights {@code 1/R} when no replica has any), summed in replica order starting from {@code w_0·p_0j}. With one
 * replica {@code w_0 = 1} and the merge is that replica's parameters, bit for bit.
 *
 * <p>Only parameters are averaged (DESIGN.md "Replicas"): each replica keeps its own optimizer slots. The merged
 * model that is published and served also carries the replicas' pooled standardizer statistics (the exact
 * combination of counts, means and population variances, Chan et al. 1979), their summed progressive metrics and
 * counters, and replica 0's optimizer state and rolling loss (for inspection; no replica adopts them).
 */
public final class ParameterMixing {

    private ParameterMixing() {
    }

    /** The weights {@code u_i / Σ u_k}, or {@code 1/R} each when {@code Σ u_k = 0}. */
    public static double[] weights(long[] updates) {
        double total = 0;
        for (long u : updates) {
            total += u;
        }
        double[] w = new double[updates.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = total == 0 ? 1.0 / w.length : updates[i] / total;
        }
        return w;
    }

    /** Writes {@code Σ_i w_i·params[i]} into {@code out} (caller-owned, may not alias an input). */
    public static void average(double[][] params, double[] w, double[] out) {
        double[] p0 = params[0];
        double w0 = w[0];
        for (int j = 0; j < out.length; j++) {
            out[j] = w0 * p0[j];
        }
        for (int i = 1; i < params.length; i++) {
            double[] p = params[i];
            double wi = w[i];
            for (int j = 0; j < out.length; j++) {
                out[j] += wi * p[j];
            }
        }
    }

    /** The merged state of {@code reports}, in replica order (see the class comment). */
    public static LearnerState merge(List<LearnerState> reports) {
        int r = reports.size();
        LearnerState first = reports.get(0);
        long[] updates = new long[r];
        double[][] params = new double[r][];
        Standardizer scaler = first.scaler() == null ? null : first.scaler().copy();
        ProgressiveMetrics metrics = first.metrics().copy();
        long seen = 0;
        long refused = 0;
        long timed = 0;
        for (int i = 0; i < r; i++) {
            LearnerState s = reports.get(i);
            updates[i] = s.seen();
            params[i] = s.params();
            seen += s.seen();
            refused += s.refused();
            timed += s.timedFlushes();
            if (i > 0) {
                if (scaler != null) {
                    pool(scaler, s.scaler());
                }
                metrics = sum(metrics, s.metrics());
            }
        }
        double[] merged = new double[first.params().length];
        average(params, weights(updates), merged);
        LearnerState m = new LearnerState(merged, first.optimizer().copy(), scaler, metrics, first.rolling().copy(),
                new double[merged.length], 0, seen, refused, timed);
        m.setLastStep(first.lastGradientNorm(), first.lastLearningRate());
        return m;
    }

    /** Adds {@code b}'s statistics into {@code a}: per feature, the exact pooled count, mean and variance. */
    static void pool(Standardizer a, Standardizer b) {
        long[] na = a.count();
        double[] ma = a.mean();
        double[] va = a.variance();
        for (int j = 0; j < na.length; j++) {
            long nb = b.count()[j];
            if (nb == 0) {
                continue;
            }
            if (na[j] == 0) {
                na[j] = nb;
                ma[j] = b.mean()[j];
                va[j] = b.variance()[j];
                continue;
            }
            double n = (double) na[j] + nb;
            double fa = na[j] / n;
            double fb = nb / n;
            double delta = b.mean()[j] - ma[j];
            va[j] = fa * va[j] + fb * b.variance()[j] + delta * delta * fa * fb;
            ma[j] = ma[j] + delta * fb;
            na[j] += nb;
        }
    }

    private static ProgressiveMetrics sum(ProgressiveMetrics a, ProgressiveMetrics b) {
        return new ProgressiveMetrics(a.count() + b.count(), a.sumSquaredError() + b.sumSquaredError(),
                a.sumAbsoluteError() + b.sumAbsoluteError(), a.sumLogLoss() + b.sumLogLoss(),
                a.correct() + b.correct(), a.truePositives() + b.truePositives(),
                a.falsePositives() + b.falsePositives(), a.falseNegatives() + b.falseNegatives());
    }
}
