package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 */
public record ModelSpec(Task task, Integer features, Integer hashBits, Integer classes, List<String> classNames,
                        ArchitectureSpec architecture, String loss, double huberDelta, OptimizerSpec optimizer,
                        ScheduleSpec schedule, Double interceptLearningRate, double l2, double l1, Double clipNorm,
                        boolean standardize, UpdateSpec update, MetricsSpec metrics, int publishEvery) {

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

    /** Validates every field; see the class comment. */
    public ModelSpec {
        CHECKS.required("task", task);
        if (features == null && hashBits == null) {
            throw CHECKS.fail("features", "required for task " + task.logicalName() + " unless hashBits is set");
        }
        if (features != null && hashBits != null) {
            throw CHECKS.fail("hashBits", "not allowed together with features (set exactly one)");
        }
        if (features != null) {
            CHECKS.inRange("features", features, 1, MAX_FEATURES);
        } else {
            CHECKS.inRange("hashBits", hashBits, 1, MAX_HASH_BITS);
        }
        if (task == Task.MULTICLASS) {
            if (classes == null) {
                throw CHECKS.fail("classes", "required for task multiclass");
            }
            CHECKS.atLeast("classes", classes, 2);
            if (classes > MAX_CLASSES) {
                throw CHECKS.fail("classes", "must be <= " + MAX_CLASSES + ", got " + classes);
            }
        } else {
            if (classes != null) {
                throw CHECKS.fail("classes", "only allowed for task multiclass, got task " + task.logicalName());
            }
            if (classNames != null) {
                throw CHECKS.fail("classNames", "only allowed for task multiclass, got task " + task.logicalName());
            }
        }
        if (classNames != null) {
            classNames = checkClassNames(classNames, classes);
        }
        CHECKS.required("architecture", architecture);
        CHECKS.oneOf("loss", loss, LOSSES);
        if (!lossesOf(task).contains(loss)) {
            throw CHECKS.fail("loss", "'" + loss + "' does not fit task " + task.logicalName()
                    + " (expected one of " + String.join(", ", lossesOf(task)) + ")");
        }
        CHECKS.positive("huberDelta", huberDelta);
        CHECKS.required("optimizer", optimizer);
        CHECKS.required("schedule", schedule);
        boolean ftrl = optimizer.type().equals("ftrl");
        if (ftrl && !schedule.type().equals("constant")) {
            throw CHECKS.fail("schedule.type", "optimizer ftrl has no learning rate to schedule, got '"
                    + schedule.type() + "' (expected constant)");
        }
        if (interceptLearningRate != null) {
            CHECKS.positive("interceptLearningRate", interceptLearningRate);
        }
        CHECKS.nonNegative("l2", l2);
        CHECKS.nonNegative("l1", l1);
        if (ftrl && architecture.type().equals("mlp")) {
            throw CHECKS.fail("optimizer.type", "ftrl is not supported with architecture mlp (its closed-form weights"
                    + " erase the random initialization a network needs); use sgd, momentum, nesterov, adagrad,"
                    + " rmsprop or adam");
        }
        long params = parameterCount(task == Task.MULTICLASS ? classes : 1,
                features != null ? features : 1 << hashBits, architecture);
        if (params > MAX_PARAMETERS) {
            throw CHECKS.fail(sizeField(features, architecture), "the model would have " + params
                    + " parameters, more than the " + MAX_PARAMETERS + " allowed");
        }
        if (ftrl && l1 != 0) {
            throw CHECKS.fail("l1", "not used with optimizer ftrl, got " + l1 + " (set optimizer.l1 instead)");
        }
        if (clipNorm != null) {
            CHECKS.positive("clipNorm", clipNorm);
        }
        CHECKS.required("update", update);
        CHECKS.required("metrics", metrics);
        CHECKS.atLeast("publishEvery", publishEvery, 1);
    }

    private static List<String> checkClassNames(List<String> names, int classes) {
        if (names.size() != classes) {
            throw CHECKS.fail("classNames", "must have " + classes + " names (one per class), got " + names.size());
        }
        Set<String> seen = new HashSet<>();
        List<String> copy = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String path = "classNames[" + i + "]";
            CHECKS.required(path, name);
            if (name.isBlank()) {
                throw CHECKS.fail(path, "must not be empty");
            }
            if (!seen.add(name)) {
                throw CHECKS.fail(path, "duplicate name '" + name + "'");
            }
            copy.add(name);
        }
        return List.copyOf(copy);
    }

    /**
     * The losses that fit a task; the first is its default: {@code squared}, {@code huber} (regression),
     * {@code log} (binary), {@code cross_entropy} (multiclass).
     */
    public static List<String> lossesOf(Task task) {
        return switch (task) {
            case REGRESSION -> List.of("squared", "huber");
            case BINARY -> List.of("log");
            case MULTICLASS -> List.of("cross_entropy");
        };
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
        return parameterCount(outputs(), dimension(), architecture);
    }

    /**
     * The spec field that makes a model large, for errors about its size: {@code architecture.hidden} for an
     * MLP, else {@code features} or {@code hashBits}.
     */
    public String sizeField() {
        return sizeField(features, architecture);
    }

    private static String sizeField(Integer features, ArchitectureSpec architecture) {
        if (architecture.type().equals("mlp")) {
            return "architecture.hidden";
        }
        return features != null ? "features" : "hashBits";
    }

    private static long parameterCount(long outputs, long dimension, ArchitectureSpec architecture) {
        long params = 0;
        long in = dimension;
        for (int h : architecture.hidden()) {
            params += in * h + h;
            in = h;
        }
        return params + in * outputs + outputs;
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

        /** Validates the fields of {@code type}; the others must be empty. */
        public ArchitectureSpec {
            CHECKS.oneOf("architecture.type", type, TYPES);
            String kind = "architecture type " + type;
            if (type.equals("linear")) {
                if (hidden != null && !hidden.isEmpty()) {
                    throw CHECKS.notAField("architecture.hidden", kind);
                }
                hidden = List.of();
                CHECKS.absent("architecture.activation", activation, kind);
                CHECKS.absent("architecture.init", init, kind);
                CHECKS.absent("architecture.seed", (double) seed, kind);
            } else {
                if (hidden == null) {
                    throw CHECKS.fail("architecture.hidden", "required for architecture type mlp");
                }
                if (hidden.isEmpty()) {
                    throw CHECKS.fail("architecture.hidden", "must not be empty");
                }
                if (hidden.size() > MAX_LAYERS) {
                    throw CHECKS.fail("architecture.hidden", "at most " + MAX_LAYERS + " hidden layers, got "
                            + hidden.size());
                }
                for (int i = 0; i < hidden.size(); i++) {
                    String path = "architecture.hidden[" + i + "]";
                    CHECKS.inRange(path, CHECKS.required(path, hidden.get(i)), 1, MAX_WIDTH);
                }
                hidden = List.copyOf(hidden);
                CHECKS.oneOf("architecture.activation", activation, ACTIVATIONS);
                CHECKS.oneOf("architecture.init", init, INITS);
            }
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
        /** Every parameter field, in JSON order. */
        static final List<String> FIELDS =
                List.of("learningRate", "momentum", "beta1", "beta2", "rho", "epsilon", "alpha", "beta", "l1", "l2");
        private static final double[] DEFAULTS = {0.01, 0.9, 0.9, 0.999, 0.9, 1e-8, 0.1, 1.0, 0.0, 0.0};

        /** Validates the fields of {@code type}; the others must be 0. */
        public OptimizerSpec {
            CHECKS.oneOf("optimizer.type", type, TYPES);
            double[] v = {learningRate, momentum, beta1, beta2, rho, epsilon, alpha, beta, l1, l2};
            List<String> own = fieldsOf(type);
            for (int i = 0; i < v.length; i++) {
                String name = FIELDS.get(i);
                String path = "optimizer." + name;
                if (!own.contains(name)) {
                    CHECKS.absent(path, v[i], "optimizer type " + type);
                } else if (name.equals("learningRate") || name.equals("epsilon") || name.equals("alpha")) {
                    CHECKS.positive(path, v[i]);
                } else if (name.equals("beta") || name.equals("l1") || name.equals("l2")) {
                    CHECKS.nonNegative(path, v[i]);
                } else {
                    CHECKS.fraction(path, v[i]);
                }
            }
        }

        /** The parameter fields of an optimizer type, in JSON order. */
        public static List<String> fieldsOf(String type) {
            switch (CHECKS.oneOf("optimizer.type", type, TYPES)) {
                case "sgd":
                    return List.of("learningRate");
                case "momentum":
                case "nesterov":
                    return List.of("learningRate", "momentum");
                case "adagrad":
                    return List.of("learningRate", "epsilon");
                case "rmsprop":
                    return List.of("learningRate", "rho", "epsilon");
                case "adam":
                    return List.of("learningRate", "beta1", "beta2", "epsilon");
                default:
                    return List.of("alpha", "beta", "l1", "l2");
            }
        }

        /** The optimizer of this type with every parameter at its default. */
        public static OptimizerSpec defaults(String type) {
            List<String> own = fieldsOf(type);
            double[] v = new double[FIELDS.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = own.contains(FIELDS.get(i)) ? DEFAULTS[i] : 0;
            }
            return of(type, v);
        }

        /** The default of a parameter field. */
        static double defaultOf(String field) {
            return DEFAULTS[FIELDS.indexOf(field)];
        }

        /** Builds from values in {@link #FIELDS} order. */
        static OptimizerSpec of(String type, double[] v) {
            return new OptimizerSpec(type, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
        }

        /** The value of a parameter field by its JSON name. */
        double get(String field) {
            double[] v = {learningRate, momentum, beta1, beta2, rho, epsilon, alpha, beta, l1, l2};
            return v[FIELDS.indexOf(field)];
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
        /** Every parameter field, in JSON order. */
        static final List<String> FIELDS = List.of("decay", "factor", "every", "power");

        /** Validates the fields of {@code type}; the others must be 0. */
        public ScheduleSpec {
            CHECKS.oneOf("schedule.type", type, TYPES);
            String kind = "schedule type " + type;
            List<String> own = fieldsOf(type);
            if (own.contains("decay")) {
                CHECKS.rate("schedule.decay", decay);
            } else {
                CHECKS.absent("schedule.decay", decay, kind);
            }
            if (own.contains("factor")) {
                CHECKS.rate("schedule.factor", factor);
                CHECKS.atLeast("schedule.every", every, 1);
            } else {
                CHECKS.absent("schedule.factor", factor, kind);
                CHECKS.absent("schedule.every", every, kind);
            }
            if (own.contains("power")) {
                CHECKS.positive("schedule.power", power);
            } else {
                CHECKS.absent("schedule.power", power, kind);
            }
        }

        /** The parameter fields of a schedule type, in JSON order. */
        public static List<String> fieldsOf(String type) {
            switch (CHECKS.oneOf("schedule.type", type, TYPES)) {
                case "exponential":
                    return List.of("decay");
                case "step":
                    return List.of("factor", "every");
                case "inverse":
                    return List.of("power");
                default:
                    return List.of();
            }
        }

        /** The schedule of this type with every parameter at its default. */
        public static ScheduleSpec defaults(String type) {
            switch (CHECKS.oneOf("schedule.type", type, TYPES)) {
                case "exponential":
                    return exponential(0.99);
                case "step":
                    return step(0.5, 1000);
                case "inverse":
                    return inverse(0.5);
                default:
                    return constant();
            }
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
        public static final List<String> MODES = List.of("sample", "minibatch");
        /** Default mini-batch size. */
        public static final int DEFAULT_BATCH_SIZE = 32;

        /** Validates the fields of {@code mode}; in sample mode both must be 0. */
        public UpdateSpec {
            CHECKS.oneOf("update.mode", mode, MODES);
            if (mode.equals("minibatch")) {
                CHECKS.atLeast("update.batchSize", batchSize, 1);
                CHECKS.atLeast("update.maxDelayMs", maxDelayMs, 0);
            } else {
                CHECKS.absent("update.batchSize", batchSize, "update mode sample");
                CHECKS.absent("update.maxDelayMs", (double) maxDelayMs, "update mode sample");
            }
        }

        /** One step per event. */
        public static UpdateSpec sample() {
            return new UpdateSpec("sample", 0, 0);
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
}
