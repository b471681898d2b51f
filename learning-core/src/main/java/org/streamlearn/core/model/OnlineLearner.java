package org.streamlearn.core.model;

import java.util.Objects;
import org.streamlearn.core.feature.Standardizer;
import org.streamlearn.core.loss.CrossEntropyLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.optim.Optimizer;

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
 * <p>This class orchestrates; each concern has its own collaborator: {@link ExampleValidator} (the precise
 * input check), {@link MetricsRecorder} (progressive metrics), {@link MiniBatch} (the open batch and the point
 * its gradients are taken at), {@link GradientStep} (norm, clipping, optimizer, intercepts, L1),
 * {@link DivergenceGuard}, {@link FastPaths} (every shortcut, each justified by a JMH figure), {@link PlainPath}
 * (the plain linear model's path, one event or a run) and {@link Scorer} (predictions without side effects).
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
    private final int k;
    private final int features;
    private final int batchSize;
    private final boolean multiclass;
    /** A linear single-output model without standardization or look-ahead: {@link #learnPlain} applies. */
    private final boolean plain;
    private final PlainPath path; // runs of a plain learner, else null
    private final ExampleValidator validator;
    private final MetricsRecorder recorder;
    private final MiniBatch batch;
    private final GradientStep step;
    private final FastPaths fast;
    private final Scorer scorer;
    // scratch
    private final double[] xPredict;
    private final double[] xLearn;
    private final double[] scores;
    private final double[] scoresLearn;
    private final double[] dScores;
    private final Outcome outcome = new Outcome();

    private OnlineLearner(LearnerConfig config, LearnerState state) {
        this.config = config;
        this.model = config.architecture().create(config.features(), config.outputs());
        this.optimizer = config.optimizer();
        this.loss = config.loss();
        this.n = model.parameterCount();
        this.k = config.outputs();
        this.features = config.features();
        this.batchSize = config.batchSize();
        this.multiclass = config.task() == Task.MULTICLASS;
        if (state == null) {
            double[] params = new double[n];
            model.initialize(params);
            state = new LearnerState(params, optimizer.newState(n),
                    config.standardize() ? new Standardizer(config.features()) : null, new ProgressiveMetrics(),
                    new RollingLoss(config.metricsWindow(), config.ewmaAlpha()), new double[n], 0, 0, 0, 0);
        } else {
            state.checkFits(config, n);
        }
        this.state = state;
        int d = config.features();
        this.xPredict = new double[d];
        this.xLearn = new double[d];
        this.scores = new double[k];
        this.scoresLearn = new double[k];
        this.dScores = new double[k];
        DivergenceGuard guard = new DivergenceGuard(config, state);
        this.validator = new ExampleValidator(config);
        this.recorder = new MetricsRecorder(config, state);
        this.batch = new MiniBatch(config, state, model);
        this.step = new GradientStep(config, state, model, guard);
        this.fast = new FastPaths(config, state, model, validator, guard);
        this.plain = fast.linearBatch && !multiclass && !config.standardize() && !batch.looksAhead();
        recorder.prepare(outcome);
        this.path = plain ? new PlainPath(this, config, state, model, validator, recorder, fast, outcome, scores)
                : null;
        this.scorer = new Scorer(config, state, model, validator, xPredict);
    }

    /** A fresh model for {@code config}. */
    public static OnlineLearner create(LearnerConfig config) {
        return new OnlineLearner(config, null);
    }

    /** A model continuing from {@code state} (used live, not copied); checks that it fits {@code config}. */
    public static OnlineLearner restore(LearnerConfig config, LearnerState state) {
        return new OnlineLearner(config, state);
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
     * {@code >= 0} and within {@code maxAbsValue}.
     *
     * @throws InvalidExampleException naming the field and the problem
     */
    public void validate(double[] x, double y, double weight) {
        validator.validate(x, y, weight);
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
        return learn(x, y, weight, null);
    }

    /**
     * A delayed label (DESIGN.md "Delayed labels"): scores the prediction that was served for this event,
     * {@code servedScores} (the raw scores of {@link #predict}, made earlier, maybe with other parameters),
     * into the progressive metrics and the rolling loss, then learns {@code x} with label {@code y} exactly as
     * {@link #learn(double[], double, double)} does, with the parameters and statistics as they are now. When
     * nothing was learned since the prediction was served, the result is bit for bit that of
     * {@link #learn(double[], double, double)}.
     *
     * @param servedScores the served raw scores, {@link LearnerConfig#outputs()} of them; not kept
     * @return the outcome (its prediction and loss are those of the served prediction), a reused instance
     * @throws InvalidExampleException when the event is invalid; the model and its metrics are then untouched
     */
    public Outcome learnServed(double[] x, double y, double weight, double[] servedScores) {
        if (servedScores == null || servedScores.length != k) {
            throw new IllegalArgumentException("servedScores: expected " + k + " scores, got "
                    + (servedScores == null ? "none" : servedScores.length));
        }
        return learn(x, y, weight, servedScores);
    }

    /**
     * Learns the events {@code xs[i]} with labels {@code ys[i]} and weights {@code weights[i]} (all 1 when
     * {@code weights} is null), for {@code from <= i < to} in order: bit for bit what {@link #learn} on each in
     * turn does (parameters, optimizer state, open batch, metrics, rolling loss, counters, last gradient norm and
     * rate, predictions), with the loop over the events inside the learner, so that the JIT compiles their work
     * into it (docs/benchmarks.md, figure 5, "Fourth pass"). The inputs are never mutated; the reused
     * {@link Outcome} is left as the last event left it.
     *
     * @param predictions where event {@code i}'s progressive prediction goes, at index {@code i} (not a row of
     *                    {@code xs}); or null
     * @throws InvalidExampleException when event {@code i} is invalid: the events before it are learned, neither
     *     it nor those after it are (the model is as {@link #learn} leaves it after event {@code i − 1}); its
     *     {@link InvalidExampleException#index() index} is {@code i}, its field and problem {@link #learn}'s
     * @throws IndexOutOfBoundsException when {@code from..to} is not a range of {@code xs}, {@code ys} and (when
     *     given) {@code weights} and {@code predictions}; nothing is learned
     */
    public void learnAll(double[][] xs, double[] ys, double[] weights, int from, int to, double[] predictions) {
        Objects.checkFromToIndex(from, to, xs.length);
        Objects.checkFromToIndex(from, to, ys.length);
        Objects.checkFromToIndex(from, to, weights == null ? to : weights.length);
        Objects.checkFromToIndex(from, to, predictions == null ? to : predictions.length);
        long before = state.seen; // every path counts each event it learns once, and none it refuses as invalid
        try {
            if (plain) {
                path.learnAll(xs, ys, weights, from, to, predictions);
                return;
            }
            for (int i = from; i < to; i++) {
                Outcome o = learn(xs[i], ys[i], weights == null ? 1.0 : weights[i], null);
                if (predictions != null) {
                    predictions[i] = o.prediction;
                }
            }
        } catch (InvalidExampleException e) {
            throw e.at(from + (int) (state.seen - before));
        }
    }

    private Outcome learn(double[] x, double y, double weight, double[] served) {
        if (x == null || x.length != features) {
            validator.validate(x, y, weight);
        }
        Outcome o = outcome;
        o.begin();
        if (plain && served == null) {
            return learnPlain(x, y, weight, o);
        }
        return learnGeneral(x, y, weight, served, o);
    }

    private Outcome learnGeneral(double[] x, double y, double weight, double[] served, Outcome o) {
        LearnerState s = state;
        // 1. progressive prediction with the statistics of earlier events; the input check rides on its pass
        double sumSquares;
        if (s.scaler != null) {
            sumSquares = s.scaler.transform(x, xPredict);
            model.forward(s.params, xPredict, scores);
        } else {
            sumSquares = model.forwardSumSquares(s.params, x, scores);
        }
        fast.checkExample(x, y, weight, sumSquares);
        recorder.record(y, served == null ? scores : served, o);
        // 2. learn: statistics including the event, then the gradient at the pre-step (look-ahead) point
        double[] xl = x;
        double xlSquares = sumSquares;
        if (s.scaler != null) {
            xlSquares = s.scaler.learnAndTransform(x, xLearn);
            xl = xLearn;
        }
        double[] at = batch.point();
        double[] sl = scores;
        if (batch.looksAhead() || s.scaler != null) {
            model.forward(at, xl, scoresLearn);
            sl = scoresLearn;
        }
        lossDerivative(y, sl, weight);
        if (fast.fusedSgd && fast.fusedSgdStep(o, dScores[0], xl, xlSquares)) {
            return o;
        }
        if (fast.linearBatch) {
            fast.addToBatch(dScores[0], xl);
        } else {
            batch.add(at, xl, dScores);
        }
        s.seen++;
        if (batch.full()) {
            closeBatch(o, dScores[0], xlSquares);
        }
        return o;
    }

    /**
     * {@link #learn}'s steps for a linear single-output model without standardization or look-ahead (when
     * {@link #plain}) on an event without a served prediction: the same arithmetic in the same order, with the
     * decisions that do not apply left out and {@code ∂L/∂s} kept in a local. Justified by
     * {@code LearnerBenchmark}'s {@code minibatch32} against {@code rawMinibatch32} (docs/benchmarks.md, figure 5).
     */
    Outcome learnPlain(double[] x, double y, double weight, Outcome o) {
        LearnerState s = state;
        double[] sc = scores;
        double sumSquares = model.forwardSumSquares(s.params, x, sc);
        fast.checkExample(x, y, weight, sumSquares);
        recorder.record(y, sc, o);
        double dc = loss.derivative(y, sc[0]) * weight;
        if (fast.fusedSgd && fast.fusedSgdStep(o, dc, x, sumSquares)) {
            return o;
        }
        fast.addToBatch(dc, x);
        s.seen++;
        if (s.batchCount >= batchSize) {
            closeBatch(o, dc, sumSquares);
        }
        return o;
    }

    /** Takes the step of a full batch; {@code dc} and {@code xlSquares} are the last event's. */
    void closeBatch(Outcome o, double dc, double xlSquares) {
        if (!fast.fusedBatchSgd) {
            step.take(o, batch.close(), fast.knownNormSquared(dc, xlSquares));
        } else if (!fast.fusedBatchStep(o)) {
            step.take(o, state.batchGradient, Double.NaN);
        }
    }

    private void lossDerivative(double y, double[] sl, double weight) {
        if (multiclass) {
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
        if (batch.isEmpty()) {
            return false;
        }
        Outcome o = new Outcome();
        step.take(o, batch.close(), Double.NaN);
        return o.stepped;
    }

    /**
     * Applies the open batch because its time ran out ({@code maxDelayMs}); counted in
     * {@link LearnerState#timedFlushes()}, the one thing a replay cannot reproduce.
     */
    public boolean flushOnTimer() {
        if (batch.isEmpty()) {
            return false;
        }
        state.timedFlushes++;
        return flush();
    }

    /**
     * Predicts {@code x} with the current model and standardizer statistics; no side effects on the state.
     * Allocates its result; uses this learner's scratch buffers (not thread-safe).
     */
    public Prediction predict(double[] x) {
        return scorer.predict(x);
    }

    /**
     * Scores a held-out example with the current model into {@code into} (not the model's own metrics); learns
     * nothing and changes no statistic. Allocates (its prediction).
     *
     * @return the example's loss (unweighted)
     * @throws InvalidExampleException when the example is invalid
     */
    public double evaluate(double[] x, double y, ProgressiveMetrics into) {
        return scorer.evaluate(x, y, into);
    }

    /** Starts afresh with the same configuration: zero parameters and optimizer state, no statistics. */
    public static LearnerState freshState(LearnerConfig config) {
        return create(config).state();
    }
}
