package org.streamlearn.core.drift;

/**
 * A running {@link PageHinkley} test. Page-Hinkley does not locate the change, so it does not know the means
 * either side of it: {@link #meanBefore()} and {@link #meanAfter()} are always NaN. (The running {@code mean} it
 * tests against mixes both sides; the last zero of {@code sum}, the classical CUSUM estimate of the change point,
 * lies far before the change with the default {@code delta}, and gave 0.14 and 0.26 for a step 0.2 → 0.8.)
 *
 * <p>{@link #update} allocates nothing.
 */
public final class PageHinkleyDetector extends DetectorBase<PageHinkley> implements DriftDetector {

    private long n;
    private double mean;
    private double sum;

    PageHinkleyDetector(PageHinkley config) {
        super(config);
        reset();
    }

    @Override
    boolean detect(double x) {
        PageHinkley config = config();
        mean += (x - mean) / n;
        sum = Math.max(0.0, config.alpha() * sum + (x - mean - config.delta()));
        n += 1;
        return n >= config.minInstances() && sum >= config.threshold();
    }

    /** Starts afresh: DESIGN.md's statistics back to {@code n = 1}; seen and detections are kept. */
    @Override
    void restart() {
        n = 1;
        mean = 0.0;
        sum = 0.0;
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
        return new PageHinkleyState(seen(), detections(), n, mean, sum);
    }

    void load(PageHinkleyState s) {
        loadCounters(s);
        n = s.n();
        mean = s.mean();
        sum = s.sum();
    }
}
