package org.streamlearn.core.drift;

import org.streamlearn.core.Checks;

/**
 * A running {@link PageHinkley} test. Page-Hinkley does not locate the change, so it does not know the means
 * either side of it: {@link #meanBefore()} and {@link #meanAfter()} are always NaN. (The running {@code mean} it
 * tests against mixes both sides; the last zero of {@code sum}, the classical CUSUM estimate of the change point,
 * lies far before the change with the default {@code delta}, and gave 0.14 and 0.26 for a step 0.2 → 0.8.)
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
        Checks.finite("drift value", x);
        seen++;
        mean += (x - mean) / n;
        sum = Math.max(0.0, config.alpha() * sum + (x - mean - config.delta()));
        n += 1;
        if (n >= config.minInstances() && sum >= config.threshold()) {
            detections++;
            restart();
            return true;
        }
        return false;
    }

    @Override
    public void reset() {
        seen = 0;
        detections = 0;
        restart();
    }

    /** Starts afresh: DESIGN.md's statistics back to {@code n = 1}; seen and detections are kept. */
    private void restart() {
        n = 1;
        mean = 0.0;
        sum = 0.0;
    }

    @Override
    public long seen() {
        return seen;
    }

    @Override
    public long detections() {
        return detections;
    }

    /** Always NaN: Page-Hinkley does not locate the change. */
    @Override
    public double meanBefore() {
        return Double.NaN;
    }

    /** Always NaN: Page-Hinkley does not locate the change. */
    @Override
    public double meanAfter() {
        return Double.NaN;
    }

    /** DESIGN.md's {@code mean}: the running mean of the values since the last start (0 before any). */
    public double mean() {
        return mean;
    }

    /** DESIGN.md's {@code sum}, the test statistic (for plots and tests). */
    public double statistic() {
        return sum;
    }

    @Override
    public PageHinkleyState state() {
        return new PageHinkleyState(seen, detections, n, mean, sum);
    }

    void load(PageHinkleyState s) {
        seen = s.seen();
        detections = s.detections();
        n = s.n();
        mean = s.mean();
        sum = s.sum();
    }
}
