package org.streamlearn.core.model;

import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.loss.CrossEntropyLoss;
import org.streamlearn.core.loss.LogLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.OptimizerState;

/**
 * An online learner: one model's configuration, its learned {@link LearnerState} and scratch buffers.
 *
 * <p>{@link #learn} does, for one event, what DESIGN.md "Conventions of the maths" prescribes: predict with the
 * standardizer's statistics of earlier events (progressive validation), record the metrics, then learn: add
 * the event to the statistics, standardize it with them, take {@code ∂L/∂s} at the parameters as they stood
 * before the batch's step (the look-ahead point under Nesterov), add the gradient to the open batch, and when
 * the batch is full take one step: mean gradient, {@code + l2·w}, clip by norm, optimizer step on the
 * optimizer's coordinates, plain SGD on the intercepts when {@code interceptLearningRate} is set, proximal L1.
 *
 * <p>Divergence guard: a step whose gradient or result is not finite is refused; the parameters and optimizer
 * state are restored to their values before the step, the batch is dropped and {@link LearnerState#refused()}
 * counts it.
 *
 * <p>The per-event path allocates nothing. Not thread-safe: one learner per thread (or per stream task).
 */
public final class OnlineLearner {

    private final LearnerConfig config;
    private final LearnerState state;
    private final Model model;
    private final Optimizer optimizer;
    private final Loss loss;
    private final int n;
    private final int nw;
    private final int k;
    private final int optimizerEnd;
    private final boolean lookAhead;
    private final boolean ilr;
    // scratch
    private final double[] xPredict;
    private final double[] xLearn;
    private final double[] scores;
    private final double[] scoresLearn;
    private final double[] dScores;
    private final double[] evalParams;
    private boolean evalParamsValid;
    private final double[] backupParams;
    private final double[][] backupSlots;
    private final Outcome outcome = new Outcome();

    private OnlineLearner(LearnerConfig config, LearnerState state) {
        this.config = config;
        this.model = config.architecture().create(config.features(), config.outputs());
        this.optimizer = config.optimizer();
        this.loss = config.loss();
        this.n = model.parameterCount();
        this.nw = model.weightCount();
        this.k = config.outputs();
        this.ilr = config.hasInterceptLearningRate();
        this.optimizerEnd = ilr ? nw : n;
        this.lookAhead = optimizer.looksAhead();
        if (state == null) {
            double[] params = new double[n];
            model.initialize(params);
            state = new LearnerState(params, optimizer.newState(n),
                    config.standardize() ? new Standardizer(config.features()) : null, new ProgressiveMetrics(),
                    new RollingLoss(config.metricsWindow(), config.ewmaAlpha()), new double[n], 0, 0, 0, 0);
        } else {
            check(state);
        }
        this.state = state;
        int d = config.features();
        this.xPredict = new double[d];
        this.xLearn = new double[d];
        this.scores = new double[k];
        this.scoresLearn = new double[k];
        this.dScores = new double[k];
        this.evalParams = lookAhead ? new double[n] : null;
        this.backupParams = new double[n];
        this.backupSlots = new double[state.optimizer.slots().length][n];
    }

    /** A fresh model for {@code config}. */
    public static OnlineLearner create(LearnerConfig config) {
        return new OnlineLearner(config, null);
    }

    /** A model continuing from {@code state} (used live, not copied); checks that it fits {@code config}. */
    public static OnlineLearner restore(LearnerConfig config, LearnerState state) {
        return new OnlineLearner(config, state);
    }

    private void check(LearnerState s) {
        if (s.params.length != n) {
            throw new IllegalArgumentException("weights: the state has " + s.params.length
                    + " parameters, the spec needs " + n);
        }
        String[] names = optimizer.slotNames();
        double[][] slots = s.optimizer.slots();
        if (slots.length != names.length) {
            throw new IllegalArgumentException("optimizer.slots: " + optimizer.name() + " keeps " + names.length
                    + " slots, the state has " + slots.length);
        }
        for (int i = 0; i < slots.length; i++) {
            if (slots[i].length != n) {
                throw new IllegalArgumentException("optimizer.slots." + names[i] + ": length " + slots[i].length
                        + ", expected " + n);
            }
        }
        if (config.standardize() != (s.scaler != null)) {
            throw new IllegalArgumentException("scaler: " + (config.standardize() ? "missing" : "present")
                    + " but standardize is " + config.standardize());
        }
        if (s.scaler != null && s.scaler.dimension() != config.features()) {
            throw new IllegalArgumentException("scaler: dimension " + s.scaler.dimension() + ", expected "
                    + config.features());
        }
        if (s.batchCount >= config.batchSize()) {
            throw new IllegalArgumentException("batch: " + s.batchCount + " buffered events, but batchSize is "
                    + config.batchSize());
        }
    }

    /** The configuration. */
    public LearnerConfig config() {
        return config;
    }

    /** The learned state, live (copy it to keep a snapshot). */
    public LearnerState state() {
        return state;
    }

    /** The model (layout of the parameters). */
    public Model model() {
        return model;
    }

    /**
     * Checks an example: {@code x.length == features}, every value finite and within {@code maxAbsValue}, the
     * label valid for the task (0/1 for binary, an index {@code < classes} for multiclass), the weight finite
     * and {@code >= 0}.
     *
     * @throws InvalidExampleException naming the field and the problem
     */
    public void validate(double[] x, double y, double weight) {
        int d = config.features();
        if (x == null) {
            throw new InvalidExampleException("features", "missing");
        }
        if (x.length != d) {
            throw new InvalidExampleException("features", "expected " + d + " values, got " + x.length);
        }
        double max = config.maxAbsValue();
        for (int j = 0; j < d; j++) {
            double v = x[j];
            if (!(Math.abs(v) <= max)) {
                throw new InvalidExampleException("features[" + j + "]", Double.isNaN(v) ? "NaN is not a number"
                        : Double.isInfinite(v) ? "infinite" : "magnitude " + v + " exceeds " + max);
            }
        }
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new InvalidExampleException("weight", "must be finite and >= 0, got " + weight);
        }
        switch (config.task()) {
            case REGRESSION -> {
                if (!(Math.abs(y) <= max)) {
                    throw new InvalidExampleException("label", Double.isNaN(y) ? "NaN is not a number"
                            : Double.isInfinite(y) ? "infinite" : "magnitude " + y + " exceeds " + max);
                }
            }
            case BINARY -> {
                if (y != 0.0 && y != 1.0) {
                    throw new InvalidExampleException("label", "a binary label must be 0 or 1, got " + y);
                }
            }
            case MULTICLASS -> {
                if (!(y >= 0 && y < k) || y != Math.rint(y)) {
                    throw new InvalidExampleException("label", "a class index must be an integer in 0.."
                            + (k - 1) + ", got " + y);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    /** {@link #learn(double[], double, double)} with weight 1. */
    public Outcome learn(double[] x, double y) {
        return learn(x, y, 1.0);
    }

    /**
     * Progressive validation then learning, for one event. The input is validated first and never mutated.
     *
     * @return the outcome, a reused instance
     * @throws InvalidExampleException when the event is invalid; the model is then untouched
     */
    public Outcome learn(double[] x, double y, double weight) {
        validate(x, y, weight);
        LearnerState s = state;
        Outcome o = outcome;
        o.stepped = false;
        o.refused = false;
        o.refusal = null;
        // 1. progressive prediction with the statistics of earlier events
        double[] xp = x;
        if (s.scaler != null) {
            s.scaler.transform(x, xPredict);
            xp = xPredict;
        }
        model.forward(s.params, xp, scores);
        record(y, o);
        // 2. learn: statistics including the event, then the gradient at the pre-step (look-ahead) point
        double[] xl = x;
        if (s.scaler != null) {
            s.scaler.learnAndTransform(x, xLearn);
            xl = xLearn;
        }
        double[] at = s.params;
        double[] sl = scores;
        if (lookAhead) {
            if (s.batchCount == 0 || !evalParamsValid) {
                lookAheadPoint();
            }
            at = evalParams;
            model.forward(at, xl, scoresLearn);
            sl = scoresLearn;
        } else if (s.scaler != null) {
            model.forward(at, xl, scoresLearn);
            sl = scoresLearn;
        }
        lossDerivative(y, sl, weight);
        model.backward(at, xl, dScores, s.batchGradient, s.batchCount > 0);
        s.batchCount++;
        s.seen++;
        if (s.batchCount >= config.batchSize()) {
            step(o);
        }
        return o;
    }

    /** The look-ahead point of the open batch: {@code w − ρv} on the optimizer's coordinates. */
    private void lookAheadPoint() {
        LearnerState s = state;
        optimizer.lookAhead(s.params, s.optimizer.slots(), 0, optimizerEnd, evalParams);
        if (optimizerEnd < n) {
            System.arraycopy(s.params, optimizerEnd, evalParams, optimizerEnd, n - optimizerEnd);
        }
        evalParamsValid = true;
    }

    /** ‖g‖ without overflow (the plain sum of squares overflowed): NaN or ∞ only if a component is. */
    private double scaledNorm(double[] g) {
        double max = 0.0;
        for (int i = 0; i < n; i++) {
            double a = Math.abs(g[i]);
            if (!(a < Double.POSITIVE_INFINITY)) {
                return a;
            }
            max = Math.max(max, a);
        }
        double sq = 0.0;
        for (int i = 0; i < n; i++) {
            double r = g[i] / max;
            sq += r * r;
        }
        return max * Math.sqrt(sq);
    }

    private void record(double y, Outcome o) {
        LearnerState s = state;
        switch (config.task()) {
            case REGRESSION -> {
                double sc = scores[0];
                double pred = loss.link(sc);
                o.score = sc;
                o.prediction = pred;
                o.probability = Double.NaN;
                o.label = -1;
                o.loss = loss.value(y, sc);
                s.metrics.addRegression(y, pred);
            }
            case BINARY -> {
                double sc = scores[0];
                double p = LogLoss.sigmoid(sc);
                int label = p > 0.5 ? 1 : 0;
                double l = loss.value(y, sc);
                o.score = sc;
                o.prediction = label;
                o.probability = p;
                o.label = label;
                o.loss = l;
                s.metrics.addBinary((int) y, label, l);
            }
            case MULTICLASS -> {
                int label = CrossEntropyLoss.argmax(scores, k);
                double l = CrossEntropyLoss.INSTANCE.value((int) y, scores, k);
                o.score = scores[label];
                o.prediction = label;
                o.probability = Math.exp(scores[label] - CrossEntropyLoss.logSumExp(scores, k));
                o.label = label;
                o.loss = l;
                s.metrics.addMulticlass((int) y, label, l);
            }
            default -> throw new IllegalStateException();
        }
        s.rolling.add(o.loss);
    }

    private void lossDerivative(double y, double[] sl, double weight) {
        if (config.task() == Task.MULTICLASS) {
            CrossEntropyLoss.INSTANCE.derivative((int) y, sl, k, weight, dScores);
        } else {
            dScores[0] = loss.derivative(y, sl[0]) * weight;
        }
    }

    /**
     * Applies the open batch now, if any event is buffered: the end of a stream (the final partial batch) or a
     * caller's decision.
     *
     * @return whether a step was applied (false when nothing was buffered or the guard refused it)
     */
    public boolean flush() {
        if (state.batchCount == 0) {
            return false;
        }
        Outcome o = new Outcome();
        step(o);
        return o.stepped;
    }

    /**
     * Applies the open batch because its time ran out ({@code maxDelayMs}); counted in
     * {@link LearnerState#timedFlushes()}, the one thing a replay cannot reproduce.
     */
    public boolean flushOnTimer() {
        if (state.batchCount == 0) {
            return false;
        }
        state.timedFlushes++;
        return flush();
    }

    private void step(Outcome o) {
        LearnerState s = state;
        double[] g = s.batchGradient;
        double[] w = s.params;
        int m = s.batchCount;
        s.batchCount = 0;
        if (m > 1) {
            for (int i = 0; i < n; i++) {
                g[i] /= m;
            }
        }
        double l2 = config.l2();
        if (l2 != 0.0) {
            if (lookAhead && !evalParamsValid) {
                // a restored learner flushing before its next event: the look-ahead point of the open batch
                lookAheadPoint();
            }
            double[] at = lookAhead ? evalParams : w;
            for (int i = 0; i < nw; i++) {
                g[i] += l2 * at[i];
            }
        }
        evalParamsValid = false;
        double sq = 0.0;
        for (int i = 0; i < n; i++) {
            sq += g[i] * g[i];
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(sq)) {
            norm = scaledNorm(g);
            sq = norm * norm;
        }
        OptimizerState os = s.optimizer;
        long kStep = os.step();
        double lr = optimizer.usesSchedule() ? config.schedule().rateAt(kStep) : Double.NaN;
        s.lastGradientNorm = norm;
        s.lastLearningRate = lr;
        if (!Double.isFinite(norm)) {
            refuse(o, "gradient is not finite (norm " + norm + ")");
            return;
        }
        if (config.hasClipNorm() && norm > config.clipNorm()) {
            double c = config.clipNorm() / norm;
            for (int i = 0; i < n; i++) {
                g[i] *= c;
            }
        }
        double[][] slots = os.slots();
        System.arraycopy(w, 0, backupParams, 0, n);
        for (int i = 0; i < slots.length; i++) {
            System.arraycopy(slots[i], 0, backupSlots[i], 0, n);
        }
        double probe = optimizer.apply(w, g, slots, 0, optimizerEnd, lr, kStep);
        if (ilr) {
            double rate = config.interceptLearningRate();
            for (int i = nw; i < n; i++) {
                double nb = w[i] - rate * g[i];
                w[i] = nb;
                probe += nb * 0.0;
            }
        }
        double l1 = config.l1();
        if (l1 != 0.0 && !optimizer.ownsL1()) {
            double t = lr * l1;
            for (int i = 0; i < nw; i++) {
                double wi = w[i];
                double a = Math.abs(wi) - t;
                w[i] = a > 0 ? Math.signum(wi) * a : 0.0;
            }
        }
        if (Double.isNaN(probe)) {
            System.arraycopy(backupParams, 0, w, 0, n);
            for (int i = 0; i < slots.length; i++) {
                System.arraycopy(backupSlots[i], 0, slots[i], 0, n);
            }
            refuse(o, "the step would make a parameter or optimizer slot non-finite (gradient norm " + norm
                    + ", learning rate " + lr + ")");
            return;
        }
        os.advance();
        o.stepped = true;
    }

    private void refuse(Outcome o, String why) {
        state.refused++;
        o.refused = true;
        o.refusal = why;
    }

    /**
     * Predicts {@code x} with the current model and standardizer statistics; no side effects on the state.
     * Allocates its result; uses this learner's scratch buffers (not thread-safe).
     */
    public Prediction predict(double[] x) {
        int d = config.features();
        if (x == null) {
            throw new InvalidExampleException("features", "missing");
        }
        if (x.length != d) {
            throw new InvalidExampleException("features", "expected " + d + " values, got " + x.length);
        }
        for (int j = 0; j < d; j++) {
            if (!(Math.abs(x[j]) <= config.maxAbsValue())) {
                throw new InvalidExampleException("features[" + j + "]", "must be finite and within "
                        + config.maxAbsValue() + ", got " + x[j]);
            }
        }
        double[] xp = x;
        if (state.scaler != null) {
            state.scaler.transform(x, xPredict);
            xp = xPredict;
        }
        double[] out = new double[k];
        model.forward(state.params, xp, out);
        switch (config.task()) {
            case REGRESSION -> {
                return new Prediction(out, loss.link(out[0]), null);
            }
            case BINARY -> {
                double p = LogLoss.sigmoid(out[0]);
                return new Prediction(out, p > 0.5 ? 1 : 0, new double[] {1.0 - p, p});
            }
            default -> {
                double[] probs = new double[k];
                CrossEntropyLoss.INSTANCE.link(out, k, probs);
                return new Prediction(out, CrossEntropyLoss.argmax(out, k), probs);
            }
        }
    }

    /** Starts afresh with the same configuration: zero parameters and optimizer state, no statistics. */
    public static LearnerState freshState(LearnerConfig config) {
        return create(config).state();
    }
}
