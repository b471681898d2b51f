package org.streamlearn.core.metric;

/**
 * Whole-stream progressive-validation means, accumulated as sums and divided by the count on read:
 * {@code mse = Σ(ŷ − y)²/N}, {@code mae = Σ|ŷ − y|/N} (regression); {@code logLoss} (natural log),
 * {@code accuracy}; for binary tasks also {@code precision}, {@code recall} and {@code f1} of the positive
 * class 1 (0 when undefined).
 */
public final class ProgressiveMetrics {

    private long count;
    private double sumSquaredError;
    private double sumAbsoluteError;
    private double sumLogLoss;
    private long correct;
    private long truePositives;
    private long falsePositives;
    private long falseNegatives;

    /** Empty. */
    public ProgressiveMetrics() {
    }

    /** Restores saved sums. */
    public ProgressiveMetrics(long count, double sumSquaredError, double sumAbsoluteError, double sumLogLoss,
            long correct, long truePositives, long falsePositives, long falseNegatives) {
        this.count = count;
        this.sumSquaredError = sumSquaredError;
        this.sumAbsoluteError = sumAbsoluteError;
        this.sumLogLoss = sumLogLoss;
        this.correct = correct;
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
        this.falseNegatives = falseNegatives;
    }

    /** Records a regression prediction. */
    public void addRegression(double y, double prediction) {
        count++;
        double r = prediction - y;
        sumSquaredError += r * r;
        sumAbsoluteError += Math.abs(r);
    }

    /** Records a binary prediction: the log loss of the score and the predicted label. */
    public void addBinary(int y, int predicted, double logLoss) {
        count++;
        sumLogLoss += logLoss;
        if (predicted == y) {
            correct++;
        }
        if (predicted == 1 && y == 1) {
            truePositives++;
        } else if (predicted == 1) {
            falsePositives++;
        } else if (y == 1) {
            falseNegatives++;
        }
    }

    /** Records a multiclass prediction. */
    public void addMulticlass(int y, int predicted, double logLoss) {
        count++;
        sumLogLoss += logLoss;
        if (predicted == y) {
            correct++;
        }
    }

    /** Events recorded. */
    public long count() {
        return count;
    }

    /** Mean squared error (NaN when empty). */
    public double mse() {
        return sumSquaredError / count;
    }

    /** Mean absolute error (NaN when empty). */
    public double mae() {
        return sumAbsoluteError / count;
    }

    /** Mean log loss (NaN when empty). */
    public double logLoss() {
        return sumLogLoss / count;
    }

    /** Fraction predicted correctly (NaN when empty). */
    public double accuracy() {
        return (double) correct / count;
    }

    /** Correct predictions. */
    public long correct() {
        return correct;
    }

    /** {@code tp/(tp+fp)}, 0 when undefined. */
    public double precision() {
        long d = truePositives + falsePositives;
        return d == 0 ? 0.0 : (double) truePositives / d;
    }

    /** {@code tp/(tp+fn)}, 0 when undefined. */
    public double recall() {
        long d = truePositives + falseNegatives;
        return d == 0 ? 0.0 : (double) truePositives / d;
    }

    /** Harmonic mean of precision and recall, 0 when undefined. */
    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    /** Sum of squared errors. */
    public double sumSquaredError() {
        return sumSquaredError;
    }

    /** Sum of absolute errors. */
    public double sumAbsoluteError() {
        return sumAbsoluteError;
    }

    /** Sum of log losses. */
    public double sumLogLoss() {
        return sumLogLoss;
    }

    /** True positives. */
    public long truePositives() {
        return truePositives;
    }

    /** False positives. */
    public long falsePositives() {
        return falsePositives;
    }

    /** False negatives. */
    public long falseNegatives() {
        return falseNegatives;
    }

    /** A copy. */
    public ProgressiveMetrics copy() {
        return new ProgressiveMetrics(count, sumSquaredError, sumAbsoluteError, sumLogLoss, correct,
                truePositives, falsePositives, falseNegatives);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProgressiveMetrics m && m.count == count
                && Double.compare(m.sumSquaredError, sumSquaredError) == 0
                && Double.compare(m.sumAbsoluteError, sumAbsoluteError) == 0
                && Double.compare(m.sumLogLoss, sumLogLoss) == 0 && m.correct == correct
                && m.truePositives == truePositives && m.falsePositives == falsePositives
                && m.falseNegatives == falseNegatives;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Double.hashCode(sumSquaredError);
    }
}
