package org.streamlearn.core.drift;

/**
 * A running {@link PageHinkley} test. Besides DESIGN.md's statistics it estimates where the change happened, as
 * the CUSUM literature does: the last value after which {@code sum} was 0. At a detection, {@link #meanBefore()}
 * is the mean of the values from the start up to that point and {@link #meanAfter()} the mean of the values
 * since (the one that triggered the detection included). These are estimates; detection never depends on them.
 *
 * <p>{@link #update} allocates nothing.
 */
public final class PageHinkleyDetector implements DriftDetector {

    private final PageHinkley config;

    private long seen;
    private long detections;
    private long n;
    private double mean;
    private double sum;
    private long beforeCount;
    private double beforeTotal;
    private long afterCount;
    private double afterTotal;
    private double meanBefore;
    private double meanAfter;

    PageHinkleyDetector(PageHinkley config) {
        this.config = config;
        reset();
    }

    @Override
    public PageHinkley config() {
        return config;
    }

    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("drift value: must be finite, got " + x);
        }
        seen++;
        mean += (x - mean) / n;
        sum = Math.max(0.0, config.alpha() * sum + (x - mean - config.delta()));
        n += 1;
        if (sum == 0.0) {
            // the statistic is back at 0: everything so far counts as "before" the (future) change
            beforeCount += afterCount + 1;
            beforeTotal += afterTotal + x;
            afterCount = 0;
            afterTotal = 0.0;
        } else {
            afterCount++;
            afterTotal += x;
        }
        if (n >= config.minInstances() && sum >= config.threshold()) {
            detections++;
            meanBefore = beforeTotal / beforeCount;
            meanAfter = afterTotal / afterCount;
            restart();
            return true;
        }
        return false;
    }

    @Override
    public void reset() {
        seen = 0;
        detections = 0;
        meanBefore = 0.0;
        meanAfter = 0.0;
        restart();
    }

    /** Starts afresh: DESIGN.md's statistics back to {@code n = 1}, kept: seen, detections, last means. */
    private void restart() {
        n = 1;
        mean = 0.0;
        sum = 0.0;
        beforeCount = 0;
        beforeTotal = 0.0;
        afterCount = 0;
        afterTotal = 0.0;
    }

    @Override
    public long seen() {
        return seen;
    }

    @Override
    public long detections() {
        return detections;
    }

    @Override
    public double meanBefore() {
        return detections == 0 ? Double.NaN : meanBefore;
    }

    @Override
    public double meanAfter() {
        return detections == 0 ? Double.NaN : meanAfter;
    }

    /** DESIGN.md's {@code sum}, the test statistic (for plots and tests). */
    public double statistic() {
        return sum;
    }

    @Override
    public PageHinkleyState state() {
        return new PageHinkleyState(seen, detections, n, mean, sum, beforeCount, beforeTotal, afterCount,
                afterTotal, meanBefore, meanAfter);
    }

    void load(PageHinkleyState s) {
        seen = s.seen();
        detections = s.detections();
        n = s.n();
        mean = s.mean();
        sum = s.sum();
        beforeCount = s.beforeCount();
        beforeTotal = s.beforeTotal();
        afterCount = s.afterCount();
        afterTotal = s.afterTotal();
        meanBefore = s.meanBefore();
        meanAfter = s.meanAfter();
    }
}
