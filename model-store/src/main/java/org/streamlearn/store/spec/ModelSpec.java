package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import java.util.List;
import org.streamlearn.core.model.Task;

/**
 * A model's configuration, as in DESIGN.md "Model spec": what is learned and how. Immutable and
 * valid by construction: the constructors check every rule {@link ModelSpecs#parse} applies to
 * values, and throw a {@link SpecException} naming the field by its JSON path.
 *
 * <p>Exactly one of {@code features} (a dense vector of that length) and {@code hashBits} (named
 * features hashed into 2^hashBits slots) is set. {@code classes} is set for, and only for,
 * {@link Task#MULTICLASS}; {@code classNames} is {@code null} unless set. {@code huberDelta} is
 * kept whatever the loss but only used by {@code huber}. {@code interceptLearningRate} and
 * {@code clipNorm} are {@code null} when unset.
 *
 * <p>The rules that span several fields and the parameter count are in {@code SpecRules}; the parameter
 * tables of the optimizer and schedule types in {@code OptimizerTypes} and {@code ScheduleTypes}.
 *
 * <p>Why this file is longer than the house's ~350 lines: it is the spec's vocabulary, the record and its nested
 * section records ({@code OptimizerSpec}, {@code ScheduleSpec}, {@code ArchitectureSpec}, …), which the codecs,
 * the service and the tests name as {@code ModelSpec.X}; moving them out renames public types for no gain in
 * clarity. Everything with logic beyond a field check lives in the classes named above.
 *
 * @param task                  what is learned
 * @param features              dense input dimension, 1..1,000,000, or {@code null} with hashBits
 * @param hashBits              log2 of the hashed dimension, 1..24, or {@code null} with features
 * @param classes               number of classes, 2..10,000, multiclass only, else {@code null}
 * @param classNames            optional names of classes 0..classes−1, else {@code null}
 * @param architecture          linear or MLP
 * @param loss                  {@code squared | huber} (regression), {@code log} (binary),
 *                              {@code cross_entropy} (multiclass)
 * @param huberDelta            Huber threshold, > 0
 * @param optimizer             the optimizer and its parameters
 * @param schedule              the learning-rate schedule
 * @param interceptLearningRate constant SGD rate of the intercept outside the optimizer, or {@code null}
 * @param l2                    L2 penalty on the weights, >= 0
 * @param l1                    proximal L1 step on the weights, >= 0 (0 with ftrl, which has its own)
 * @param clipNorm              gradient-norm clipping threshold, > 0, or {@code null}
 * @param standardize           whether features are standardized online
 * @param update                per-sample or mini-batch updates
 * @param metrics               rolling-metric settings
 * @param publishEvery          updates between two published snapshots, >= 1
 * @param drift                 drift detection ({@link DriftSpec}), or {@code null} when none is configured
 * @param challengers           the challengers ({@link ChallengerSpec}, at most 8), empty when none
 * @param promotion             the promotion rule, set exactly when there are challengers
 * @param feedback              delayed labels (DESIGN.md "Delayed labels"), or {@code null}: predictions are
 *                              not remembered
 * @param replicas              replicas with periodic parameter averaging ({@link ReplicasSpec}), or {@code null}:
 *                              the model is one key
 */
public record ModelSpec(Task task, Integer features, Integer hashBits, Integer classes, List<String> classNames,
                        ArchitectureSpec architecture, String loss, double huberDelta, OptimizerSpec optimizer,
                        ScheduleSpec schedule, Double interceptLearningRate, double l2, double l1, Double clipNorm,
                        boolean standardize, UpdateSpec update, MetricsSpec metrics, int publishEvery,
                        DriftSpec drift, List<ChallengerSpec> challengers, PromotionSpec promotion,
                        FeedbackSpec feedback, ReplicasSpec replicas) {

    /** Largest dense dimension. */
    public static final int MAX_FEATURES = 1_000_000;
    /**
     * Largest number of parameters of any model (weights and biases of every layer), whatever the service's
     * {@code model.max.parameters} (which may only lower it): every array a model allocates is bounded by it.
     */
    public static final long MAX_PARAMETERS = 20_000_000L;
    /** Largest number of classes. */
    public static final int MAX_CLASSES = 10_000;
    /** Largest {@code hashBits}. */
    public static final int MAX_HASH_BITS = 24;
    /** Every loss name. */
    public static final List<String> LOSSES = List.of("squared", "huber", "log", "cross_entropy");
    /** The JSON names of the tasks ({@link Task#logicalName()}), in declaration order. */
    public static final List<String> TASKS = List.of("regression", "binary", "multiclass");
    /** Default {@code huberDelta}. */
    public static final double DEFAULT_HUBER_DELTA = 1.0;
    /** Default {@code publishEvery}. */
    public static final int DEFAULT_PUBLISH_EVERY = 100;

    /** Validates every field; see the class comment and {@link SpecRules}. */
    public ModelSpec {
        CHECKS.required("task", task);
        classNames = SpecRules.checkInput(task, features, hashBits, classes, classNames);
        CHECKS.required("architecture", architecture);
        SpecRules.checkLoss(task, loss, huberDelta);
        SpecRules.checkTraining(architecture, optimizer, schedule, interceptLearningRate, l2, l1);
        SpecRules.checkSize(task, features, hashBits, classes, architecture);
        SpecRules.checkPenalties(optimizer, l1, clipNorm);
        CHECKS.required("update", update);
        CHECKS.required("metrics", metrics);
        CHECKS.atLeast("publishEvery", publishEvery, 1);
        challengers = SpecRules.checkChallengers(task, features, hashBits, classes, classNames, update, challengers,
                promotion);
        if (drift != null && drift.action().equals("promote") && challengers.isEmpty()) {
            throw CHECKS.fail("drift.action", "'promote' needs challengers");
        }
        if (feedback != null) {
            feedback.checkLabel(task, classes);
        }
        if (replicas != null) {
            replicas.check(update, drift, !challengers.isEmpty(), feedback != null);
        }
    }

    /** A spec without drift detection, challengers, feedback or replicas. */
    public ModelSpec(Task task, Integer features, Integer hashBits, Integer classes, List<String> classNames,
            ArchitectureSpec architecture, String loss, double huberDelta, OptimizerSpec optimizer,
            ScheduleSpec schedule, Double interceptLearningRate, double l2, double l1, Double clipNorm,
            boolean standardize, UpdateSpec update, MetricsSpec metrics, int publishEvery) {
        this(task, features, hashBits, classes, classNames, architecture, loss, huberDelta, optimizer, schedule,
                interceptLearningRate, l2, l1, clipNorm, standardize, update, metrics, publishEvery, null, List.of(),
                null, null, null);
    }

    /** This spec with drift detection {@code drift} ({@code null}: none). */
    public ModelSpec withDrift(DriftSpec drift) {
        return withCandidates(drift, challengers, promotion);
    }

    /** This spec's learning configuration with {@code drift}, {@code challengers} and {@code promotion}. */
    public ModelSpec withCandidates(DriftSpec drift, List<ChallengerSpec> challengers, PromotionSpec promotion) {
        return new ModelSpec(task, features, hashBits, classes, classNames, architecture, loss, huberDelta,
                optimizer, schedule, interceptLearningRate, l2, l1, clipNorm, standardize, update, metrics,
                publishEvery, drift, challengers, promotion, feedback, replicas);
    }

    /** This spec with delayed labels {@code feedback} ({@code null}: predictions are not remembered). */
    public ModelSpec withFeedback(FeedbackSpec feedback) {
        return new ModelSpec(task, features, hashBits, classes, classNames, architecture, loss, huberDelta,
                optimizer, schedule, interceptLearningRate, l2, l1, clipNorm, standardize, update, metrics,
                publishEvery, drift, challengers, promotion, feedback, replicas);
    }

    /** This spec with replicas {@code replicas} ({@code null}: one key). */
    public ModelSpec withReplicas(ReplicasSpec replicas) {
        return new ModelSpec(task, features, hashBits, classes, classNames, architecture, loss, huberDelta,
                optimizer, schedule, interceptLearningRate, l2, l1, clipNorm, standardize, update, metrics,
                publishEvery, drift, challengers, promotion, feedback, replicas);
    }

    /**
     * The losses that fit a task; the first is its default: {@code squared}, {@code huber} (regression),
     * {@code log} (binary), {@code cross_entropy} (multiclass).
     */
    public static List<String> lossesOf(Task task) {
        return SpecRules.lossesOf(task);
    }

    /** The input dimension: {@code features}, or 2^{@code hashBits}. */
    public int dimension() {
        return features != null ? features : 1 << hashBits;
    }

    /**
     * The number of parameters of the model (weights and biases of every layer), in {@code long}: for a linear
     * model {@code outputs·(dimension + 1)}; for an MLP the sum over its layers of {@code out·(in + 1)}.
     */
    public long parameterCount() {
        return SpecRules.parameterCount(outputs(), dimension(), architecture);
    }

    /**
     * The spec field that makes a model large, for errors about its size: {@code architecture.hidden} for an
     * MLP, else {@code features} or {@code hashBits}.
     */
    public String sizeField() {
        return SpecRules.sizeField(features, architecture);
    }

    /** The number of outputs: {@code classes} for multiclass, else 1. */
    public int outputs() {
        return task == Task.MULTICLASS ? classes : 1;
    }

    /**
     * The model's shape: {@code linear} (no other field), or {@code mlp} with {@code hidden} layer
     * widths (each 1..4096, at most 64 layers), {@code activation} ({@code relu | tanh | sigmoid}), weight
     * {@code init} ({@code he | xavier}) and the init {@code seed}. For linear, {@code hidden} is
     * empty, {@code activation} and {@code init} are {@code null} and {@code seed} is 0.
     *
     * @param type       {@code linear | mlp}
     * @param hidden     hidden-layer widths, input side first
     * @param activation hidden-layer activation
     * @param init       weight initialization
     * @param seed       seed of the weight initialization
     */
    public record ArchitectureSpec(String type, List<Integer> hidden, String activation, String init, long seed) {

        /** Architecture types. */
        public static final List<String> TYPES = List.of("linear", "mlp");
        /** Activations. */
        public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid");
        /** Weight initializations. */
        public static final List<String> INITS = List.of("he", "xavier");
        /** Widest hidden layer. */
        public static final int MAX_WIDTH = 4096;
        /** Most hidden layers. */
        public static final int MAX_LAYERS = 64;
        /** Default MLP seed. */
        public static final long DEFAULT_SEED = 42;

        /** Validates the fields of {@code type} ({@link SpecRules#checkArchitecture}); the others must be empty. */
        public ArchitectureSpec {
            hidden = SpecRules.checkArchitecture(type, hidden, activation, init, seed);
        }

        /** A linear model. */
        public static ArchitectureSpec linear() {
            return new ArchitectureSpec("linear", List.of(), null, null, 0);
        }

        /** An MLP with the default activation (relu), init (he) and seed (42). */
        public static ArchitectureSpec mlp(List<Integer> hidden) {
            return new ArchitectureSpec("mlp", hidden, "relu", "he", DEFAULT_SEED);
        }
    }

    /**
     * An optimizer and its parameters (DESIGN.md "Conventions of the maths"). Fields by type:
     * {@code learningRate} (all but ftrl; default 0.01); {@code momentum} (momentum, nesterov;
     * 0.9); {@code beta1}, {@code beta2} (adam; 0.9, 0.999); {@code rho} (rmsprop; 0.9);
     * {@code epsilon} (adagrad, rmsprop, adam; 1e-8); {@code alpha}, {@code beta}, {@code l1},
     * {@code l2} (ftrl; 0.1, 1.0, 0, 0). A field that does not belong to the type is 0.
     *
     * @param type         {@code sgd | momentum | nesterov | adagrad | rmsprop | adam | ftrl}
     * @param learningRate base learning rate, > 0
     * @param momentum     momentum coefficient, in [0, 1)
     * @param beta1        Adam's first-moment decay, in [0, 1)
     * @param beta2        Adam's second-moment decay, in [0, 1)
     * @param rho          RMSprop's decay, in [0, 1)
     * @param epsilon      denominator offset, > 0
     * @param alpha        FTRL's learning-rate scale, > 0
     * @param beta         FTRL's learning-rate offset, >= 0
     * @param l1           FTRL's L1 strength, >= 0
     * @param l2           FTRL's L2 strength, >= 0
     */
    public record OptimizerSpec(String type, double learningRate, double momentum, double beta1, double beta2,
                                double rho, double epsilon, double alpha, double beta, double l1, double l2) {

        /** Optimizer types. */
        public static final List<String> TYPES =
                List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "ftrl");
        /** Validates the fields of {@code type} ({@link OptimizerTypes#check}); the others must be 0. */
        public OptimizerSpec {
            OptimizerTypes.check(type, new double[] {learningRate, momentum, beta1, beta2, rho, epsilon, alpha, beta,
                l1, l2});
        }

        /** The parameter fields of an optimizer type, in JSON order. */
        public static List<String> fieldsOf(String type) {
            return OptimizerTypes.fieldsOf(type);
        }

        /** The optimizer of this type with every parameter at its default. */
        public static OptimizerSpec defaults(String type) {
            return of(type, OptimizerTypes.defaults(type));
        }

        /** Builds from values in {@link OptimizerTypes#FIELDS} order. */
        static OptimizerSpec of(String type, double[] v) {
            return new OptimizerSpec(type, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
        }

        /** The value of a parameter field by its JSON name. */
        double get(String field) {
            double[] v = {learningRate, momentum, beta1, beta2, rho, epsilon, alpha, beta, l1, l2};
            return v[OptimizerTypes.FIELDS.indexOf(field)];
        }

        /** Plain SGD. */
        public static OptimizerSpec sgd(double learningRate) {
            return new OptimizerSpec("sgd", learningRate, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        /** Heavy-ball momentum. */
        public static OptimizerSpec momentum(double learningRate, double momentum) {
            return new OptimizerSpec("momentum", learningRate, momentum, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        /** Nesterov momentum. */
        public static OptimizerSpec nesterov(double learningRate, double momentum) {
            return new OptimizerSpec("nesterov", learningRate, momentum, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        /** AdaGrad. */
        public static OptimizerSpec adagrad(double learningRate, double epsilon) {
            return new OptimizerSpec("adagrad", learningRate, 0, 0, 0, 0, epsilon, 0, 0, 0, 0);
        }

        /** RMSprop. */
        public static OptimizerSpec rmsprop(double learningRate, double rho, double epsilon) {
            return new OptimizerSpec("rmsprop", learningRate, 0, 0, 0, rho, epsilon, 0, 0, 0, 0);
        }

        /** Adam. */
        public static OptimizerSpec adam(double learningRate, double beta1, double beta2, double epsilon) {
            return new OptimizerSpec("adam", learningRate, 0, beta1, beta2, 0, epsilon, 0, 0, 0, 0);
        }

        /** FTRL-Proximal (McMahan et al. 2013). */
        public static OptimizerSpec ftrl(double alpha, double beta, double l1, double l2) {
            return new OptimizerSpec("ftrl", 0, 0, 0, 0, 0, 0, alpha, beta, l1, l2);
        }
    }

    /**
     * A learning-rate schedule over the step count {@code k}: {@code constant};
     * {@code exponential} {@code lr·decay^k}; {@code step} {@code lr·factor^floor(k/every)};
     * {@code inverse} {@code lr/(1+k)^power}. A field that does not belong to the type is 0.
     *
     * @param type   {@code constant | exponential | step | inverse}
     * @param decay  exponential decay per step, in (0, 1], default 0.99
     * @param factor step factor, in (0, 1], default 0.5
     * @param every  steps between two step decays, >= 1, default 1000
     * @param power  inverse-schedule exponent, > 0, default 0.5
     */
    public record ScheduleSpec(String type, double decay, double factor, int every, double power) {

        /** Schedule types. */
        public static final List<String> TYPES = List.of("constant", "exponential", "step", "inverse");

        /** Validates the fields of {@code type} ({@link ScheduleTypes#check}); the others must be 0. */
        public ScheduleSpec {
            ScheduleTypes.check(type, decay, factor, every, power);
        }

        /** The parameter fields of a schedule type, in JSON order. */
        public static List<String> fieldsOf(String type) {
            return ScheduleTypes.fieldsOf(type);
        }

        /** The schedule of this type with every parameter at its default. */
        public static ScheduleSpec defaults(String type) {
            return ScheduleTypes.defaults(type);
        }

        /** A constant rate. */
        public static ScheduleSpec constant() {
            return new ScheduleSpec("constant", 0, 0, 0, 0);
        }

        /** {@code lr·decay^k}. */
        public static ScheduleSpec exponential(double decay) {
            return new ScheduleSpec("exponential", decay, 0, 0, 0);
        }

        /** {@code lr·factor^floor(k/every)}. */
        public static ScheduleSpec step(double factor, int every) {
            return new ScheduleSpec("step", 0, factor, every, 0);
        }

        /** {@code lr/(1+k)^power}. */
        public static ScheduleSpec inverse(double power) {
            return new ScheduleSpec("inverse", 0, 0, 0, power);
        }
    }

    /**
     * How events become steps: {@code sample} (one step per event) or {@code minibatch} (one
     * averaged step per {@code batchSize} events, or after {@code maxDelayMs} of wall-clock time
     * when that is > 0). Both fields are 0 in sample mode.
     *
     * @param mode       {@code sample | minibatch}
     * @param batchSize  events per step, >= 1, default 32
     * @param maxDelayMs longest wait before a partial batch is applied, >= 0; 0 (default) = never
     */
    public record UpdateSpec(String mode, int batchSize, long maxDelayMs) {

        /** Update modes. */
        public static final List<String> MODES = List.of("sample", "minibatch", "batch");
        /** Default mini-batch size. */
        public static final int DEFAULT_BATCH_SIZE = 32;

        /** Validates the fields of {@code mode} ({@link SpecRules#checkUpdate}); in sample mode both must be 0. */
        public UpdateSpec {
            SpecRules.checkUpdate(mode, batchSize, maxDelayMs);
        }

        /** One step per event. */
        public static UpdateSpec sample() {
            return new UpdateSpec("sample", 0, 0);
        }

        /** One averaged step per pass over the data (a backtest's epoch), taken when the batch is flushed. */
        public static UpdateSpec batch() {
            return new UpdateSpec("batch", 0, 0);
        }

        /** One averaged step per batch. */
        public static UpdateSpec minibatch(int batchSize, long maxDelayMs) {
            return new UpdateSpec("minibatch", batchSize, maxDelayMs);
        }
    }

    /**
     * Rolling-metric settings.
     *
     * @param window    events in the rolling window, 1..1,000,000, default 1000
     * @param ewmaAlpha weight of the newest event in the exponentially weighted mean, in (0, 1], default 0.01
     */
    public record MetricsSpec(int window, double ewmaAlpha) {

        /** Largest window. */
        public static final int MAX_WINDOW = 1_000_000;
        /** Window 1000, ewmaAlpha 0.01. */
        public static final MetricsSpec DEFAULT = new MetricsSpec(1000, 0.01);

        /** Validates both fields. */
        public MetricsSpec {
            CHECKS.inRange("metrics.window", window, 1, MAX_WINDOW);
            CHECKS.rate("metrics.ewmaAlpha", ewmaAlpha);
        }
    }

    /**
     * Delayed labels (DESIGN.md "Delayed labels"): every prediction served with a request id is remembered
     * until its label arrives or stream time passes its timestamp plus {@code ttlMs}; it is then dropped, or
     * learned with {@code expiryLabel}.
     *
     * @param ttlMs       how long a served prediction waits for its label, >= 1 ms, default 3,600,000 (1 h)
     * @param expiryLabel the label learned when it expires, or {@code null}: {@code "onExpiry": "drop"} (default)
     * @param maxPending  remembered predictions per model at most, >= 1, default 1,000,000; past it predictions
     *                    are served but not remembered (and counted)
     */
    public record FeedbackSpec(long ttlMs, Double expiryLabel, long maxPending) {

        /** Default {@code ttlMs}: one hour. */
        public static final long DEFAULT_TTL_MS = 3_600_000L;
        /** Default {@code maxPending}. */
        public static final long DEFAULT_MAX_PENDING = 1_000_000L;
        /** Largest {@code maxPending}. */
        public static final long MAX_MAX_PENDING = 1_000_000_000L;

        /** Validates {@code ttlMs}, {@code maxPending} and that the expiry label is finite. */
        public FeedbackSpec {
            CHECKS.atLeast("feedback.ttlMs", ttlMs, 1);
            CHECKS.inRange("feedback.maxPending", maxPending, 1, MAX_MAX_PENDING);
            if (expiryLabel != null) {
                CHECKS.finite("feedback.onExpiry.label", expiryLabel);
            }
        }

        /** Drop expired predictions, with the default TTL and cap. */
        public static FeedbackSpec drop(long ttlMs) {
            return new FeedbackSpec(ttlMs, null, DEFAULT_MAX_PENDING);
        }

        /** Whether an expired prediction is dropped (else learned with {@link #expiryLabel}). */
        public boolean dropOnExpiry() {
            return expiryLabel == null;
        }

        /** The expiry label fits the task: 0 or 1 (binary), a class index (multiclass). */
        void checkLabel(Task task, Integer classes) {
            if (expiryLabel == null) {
                return;
            }
            double y = expiryLabel;
            String path = "feedback.onExpiry.label";
            switch (task) {
                case BINARY -> {
                    if (y != 0 && y != 1) {
                        throw CHECKS.fail(path, "must be 0 or 1 (or false, true) for task binary, got " + y);
                    }
                }
                case MULTICLASS -> {
                    if (y != Math.rint(y) || y < 0 || classes == null || y >= classes) {
                        throw CHECKS.fail(path, "must be a class index 0.." + (classes == null ? "?" : classes - 1)
                                + " or a class name, got " + y);
                    }
                }
                default -> {
                }
            }
        }
    }
}
