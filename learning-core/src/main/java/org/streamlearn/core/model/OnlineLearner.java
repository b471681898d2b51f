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
    private final double maxSquares;
    private final boolean singleEventNorm;
    private final boolean fusedSgd;
    /** Upper bounds on max |parameter| and max |slot value|, NaN when unknown (the guard's fast path). */
    private double paramBound = Double.NaN;
    private final double[] slotBounds;
    private final double[] nextSlotBounds;

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
        this.slotBounds = new double[backupSlots.length];
        this.nextSlotBounds = new double[backupSlots.length];
        this.maxSquares = config.maxAbsValue() * config.maxAbsValue();
        this.singleEventNorm = model instanceof LinearModel && k == 1 && config.batchSize() == 1 && config.l2() == 0.0
                && !config.hasClipNorm();
        this.fusedSgd = singleEventNorm && optimizer instanceof org.streamlearn.core.optim.Sgd && config.l1() == 0.0;
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
        validateFeatures(x);
        double max = config.maxAbsValue();
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

    /** Checks a feature vector: the dimension, every value finite and within {@code maxAbsValue}. */
    private void validateFeatures(double[] x) {
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
        if (x == null || x.length != config.features()) {
            validate(x, y, weight);
        }
        LearnerState s = state;
        Outcome o = outcome;
        o.stepped = false;
        o.refused = false;
        o.refusal = null;
        // 1. progressive prediction with the statistics of earlier events; the input check rides on its pass
        double sumSquares;
        if (s.scaler != null) {
            sumSquares = s.scaler.transform(x, xPredict);
            model.forward(s.params, xPredict, scores);
        } else {
            sumSquares = model.forwardSumSquares(s.params, x, scores);
        }
        checkExample(x, y, weight, sumSquares);
        record(y, o);
        // 2. learn: statistics including the event, then the gradient at the pre-step (look-ahead) point
        double[] xl = x;
        double xlSquares = sumSquares;
        if (s.scaler != null) {
            xlSquares = s.scaler.learnAndTransform(x, xLearn);
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
        if (fusedSgd && fusedSgdStep(o, xl, xlSquares)) {
            return o;
        }
        model.backward(at, xl, dScores, s.batchGradient, s.batchCount > 0);
        s.batchCount++;
        s.seen++;
        if (s.batchCount >= config.batchSize()) {
            // a linear single-output model stepping on one event without l2: g = ∂L/∂s·(x, 1), so
            // ‖g‖² = (∂L/∂s)²·(‖x‖² + 1) needs no pass over g
            double d0 = dScores[0];
            step(o, singleEventNorm ? d0 * d0 * (xlSquares + 1.0) : Double.NaN);
        }
        return o;
    }

    /**
     * Per-sample SGD on a linear single-output model without l1, l2 or clipping: the gradient
     * {@code ∂L/∂s·(x, 1)} is applied as it is computed, in one pass, with exactly the arithmetic of the
     * general path ({@code g_j = ∂L/∂s·x_j}, then {@code w_j −= lr·g_j}). Returns false, having changed
     * nothing, when the divergence guard's fast path cannot vouch for the step (the general path then runs).
     */
    private boolean fusedSgdStep(Outcome o, double[] xl, double xlSquares) {
        LearnerState s = state;
        double dc = dScores[0];
        double sq = dc * dc * (xlSquares + 1.0);
        if (!(sq < Double.POSITIVE_INFINITY)) {
            return false;
        }
        long kStep = s.optimizer.step();
        double lr = config.schedule().rateAt(kStep);
        double norm = Math.sqrt(sq);
        if (!fastPathSafe(norm, lr, kStep)) {
            return false;
        }
        s.seen++;
        s.lastGradientNorm = norm;
        s.lastLearningRate = lr;
        double[] w = s.params;
        int d = nw;
        for (int j = 0; j < d; j++) {
            w[j] -= lr * (dc * xl[j]);
        }
        w[d] -= (ilr ? config.interceptLearningRate() : lr) * dc;
        s.optimizer.advance();
        o.stepped = true;
        return true;
    }

    /**
     * The fast check of an example, on {@code Σ x_j²} from the prediction's pass (nothing has changed yet): a
     * non-finite value or one above {@code maxAbsValue} makes it exceed {@code maxAbsValue²} or not be finite;
     * only then, or for a doubtful weight or label, does {@link #validate} look for the culprit and throw.
     */
    private void checkExample(double[] x, double y, double weight, double sumSquares) {
        if (!(sumSquares <= maxSquares) || !(weight >= 0 && weight < Double.POSITIVE_INFINITY) || !labelPlausible(y)) {
            validate(x, y, weight);
        }
    }

    private boolean labelPlausible(double y) {
        return switch (config.task()) {
            case REGRESSION -> Math.abs(y) <= config.maxAbsValue();
            case BINARY -> y == 0.0 || y == 1.0;
            case MULTICLASS -> y >= 0 && y < k && y == Math.rint(y);
        };
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
        switch (config.task()) {
            case REGRESSION -> recordRegression(y, o);
            case BINARY -> recordBinary(y, o);
            default -> recordMulticlass(y, o);
        }
        state.rolling.add(o.loss);
    }

    private void recordRegression(double y, Outcome o) {
        double sc = scores[0];
        double pred = loss.link(sc);
        o.score = sc;
        o.prediction = pred;
        o.probability = Double.NaN;
        o.label = -1;
        o.loss = loss.value(y, sc);
        state.metrics.addRegression(y, pred);
    }

    private void recordBinary(double y, Outcome o) {
        double sc = scores[0];
        double p = LogLoss.sigmoid(sc);
        int label = p > 0.5 ? 1 : 0;
        double l = loss.value(y, sc);
        o.score = sc;
        o.prediction = label;
        o.probability = p;
        o.label = label;
        o.loss = l;
        state.metrics.addBinary((int) y, label, l);
    }

    private void recordMulticlass(double y, Outcome o) {
        int label = CrossEntropyLoss.argmax(scores, k);
        double l = CrossEntropyLoss.INSTANCE.value((int) y, scores, k);
        o.score = scores[label];
        o.prediction = label;
        o.probability = Math.exp(scores[label] - CrossEntropyLoss.logSumExp(scores, k));
        o.label = label;
        o.loss = l;
        state.metrics.addMulticlass((int) y, label, l);
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
        step(o, Double.NaN);
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

    /** Largest bound on a parameter or slot the guard's fast path accepts: far from overflow. */
    private static final double SAFE = 1e300;

    private void step(Outcome o, double knownNormSquared) {
        LearnerState s = state;
        double[] g = s.batchGradient;
        int m = s.batchCount;
        s.batchCount = 0;
        if (m > 1) {
            for (int i = 0; i < n; i++) {
                g[i] /= m;
            }
        }
        double l2 = config.l2();
        if (l2 != 0.0) {
            addL2(g, l2);
        }
        evalParamsValid = false;
        double sq = Double.isNaN(knownNormSquared) ? sumOfSquares(g) : knownNormSquared;
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(sq)) {
            norm = scaledNorm(g);
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
        double applied = norm;
        if (config.hasClipNorm() && norm > config.clipNorm()) {
            clip(g, config.clipNorm() / norm);
            applied = config.clipNorm();
        }
        if (fastPathSafe(applied, lr, kStep)) {
            applyStep(g, lr, kStep);
            os.advance();
            o.stepped = true;
        } else {
            guardedStep(o, g, norm, lr, kStep);
        }
    }

    private void addL2(double[] g, double l2) {
        if (lookAhead && !evalParamsValid) {
            // a restored learner flushing before its next event: the look-ahead point of the open batch
            lookAheadPoint();
        }
        double[] at = lookAhead ? evalParams : state.params;
        for (int i = 0; i < nw; i++) {
            g[i] += l2 * at[i];
        }
    }

    private void clip(double[] g, double c) {
        for (int i = 0; i < n; i++) {
            g[i] *= c;
        }
    }

    /**
     * {@code Σ g²}. With clipping, where the norm scales every step, in the reference's order (weights row by
     * row, then intercepts); otherwise, where it only feeds the diagnostics and the guard, in four partial sums
     * that break the dependency chain.
     */
    private double sumOfSquares(double[] g) {
        if (config.hasClipNorm()) {
            double sq = 0.0;
            for (int i = 0; i < n; i++) {
                sq += g[i] * g[i];
            }
            return sq;
        }
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += g[i] * g[i];
            s1 += g[i + 1] * g[i + 1];
            s2 += g[i + 2] * g[i + 2];
            s3 += g[i + 3] * g[i + 3];
        }
        for (; i < n; i++) {
            s0 += g[i] * g[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Whether a step with gradient norm {@code gn} provably leaves every parameter and slot finite: the
     * optimizer bounds how far one step moves a coordinate and how large its slots can grow
     * ({@link Optimizer#stepBound}); with the running bounds on the current values far below overflow, the
     * step needs neither a backup nor a check. Commits the new bounds when it answers yes.
     */
    private boolean fastPathSafe(double gn, double lr, long kStep) {
        if (Double.isNaN(paramBound)) {
            recomputeBounds();
        }
        double dw = optimizer.stepBound(gn, lr, kStep, slotBounds, nextSlotBounds);
        if (ilr) {
            dw = Math.max(dw, config.interceptLearningRate() * gn);
        }
        double next = paramBound + dw;
        if (!(next < SAFE)) {
            return false;
        }
        for (double b : nextSlotBounds) {
            if (!(b < SAFE)) {
                return false;
            }
        }
        paramBound = next;
        System.arraycopy(nextSlotBounds, 0, slotBounds, 0, slotBounds.length);
        return true;
    }

    private void recomputeBounds() {
        paramBound = maxAbs(state.params);
        double[][] slots = state.optimizer.slots();
        for (int i = 0; i < slots.length; i++) {
            slotBounds[i] = maxAbs(slots[i]);
        }
    }

    private static double maxAbs(double[] v) {
        double max = 0.0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    /** The optimizer step, plain SGD on the intercepts when their rate is set, then proximal L1. */
    private void applyStep(double[] g, double lr, long kStep) {
        double[] w = state.params;
        optimizer.apply(w, g, state.optimizer.slots(), 0, optimizerEnd, lr, kStep);
        if (ilr) {
            double rate = config.interceptLearningRate();
            for (int i = nw; i < n; i++) {
                w[i] -= rate * g[i];
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
    }

    /** The slow path: back up, step, check every value, restore on failure; then exact bounds again. */
    private void guardedStep(Outcome o, double[] g, double norm, double lr, long kStep) {
        LearnerState s = state;
        double[] w = s.params;
        double[][] slots = s.optimizer.slots();
        System.arraycopy(w, 0, backupParams, 0, n);
        for (int i = 0; i < slots.length; i++) {
            System.arraycopy(slots[i], 0, backupSlots[i], 0, n);
        }
        applyStep(g, lr, kStep);
        boolean finite = allFinite(w);
        for (double[] slot : slots) {
            finite &= allFinite(slot);
        }
        if (!finite) {
            System.arraycopy(backupParams, 0, w, 0, n);
            for (int i = 0; i < slots.length; i++) {
                System.arraycopy(backupSlots[i], 0, slots[i], 0, n);
            }
            refuse(o, "the step would make a parameter or optimizer slot non-finite (gradient norm " + norm
                    + ", learning rate " + lr + ")");
        } else {
            s.optimizer.advance();
            o.stepped = true;
        }
        recomputeBounds();
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!(Math.abs(x) <= Double.MAX_VALUE)) {
                return false;
            }
        }
        return true;
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
        validateFeatures(x);
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
