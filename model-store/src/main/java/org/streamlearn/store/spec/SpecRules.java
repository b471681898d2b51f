package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.streamlearn.core.model.Task;
import org.streamlearn.store.spec.ModelSpec.ArchitectureSpec;
import org.streamlearn.store.spec.ModelSpec.OptimizerSpec;
import org.streamlearn.store.spec.ModelSpec.ScheduleSpec;
import org.streamlearn.store.spec.ModelSpec.UpdateSpec;

/**
 * The rules of a {@link ModelSpec} that tie several of its fields together, and the shape and
 * size of the model it describes: which input and classes a task takes, which losses fit it, what
 * the {@code ftrl} optimizer excludes, which fields an architecture or an update mode takes, and
 * how many parameters a model has and may have. The
 * constructor of {@link ModelSpec} applies them in the order of its fields, so that the first
 * problem reported is the one of the earliest field; each throws a {@link SpecException} naming
 * the field by its JSON path.
 */
final class SpecRules {

    private SpecRules() {
    }

    /**
     * Checks the challengers of a spec with this input and update mode (checked already): at most
     * {@link ChallengerSpec#MAX}, unique names other than {@link ChallengerSpec#MAIN}, the champion's input,
     * no timed mini-batch flush anywhere (a replay could not reproduce it), and a promotion rule exactly when
     * there are challengers.
     *
     * @return an unmodifiable copy, empty for {@code null}
     */
    static List<ChallengerSpec> checkChallengers(Task task, Integer features, Integer hashBits, Integer classes,
            List<String> classNames, UpdateSpec update, List<ChallengerSpec> challengers, PromotionSpec promotion) {
        List<ChallengerSpec> list = challengers == null ? List.of() : List.copyOf(challengers);
        if (list.isEmpty()) {
            if (promotion != null) {
                throw CHECKS.fail("promotion", "only allowed with challengers");
            }
            return list;
        }
        if (list.size() > ChallengerSpec.MAX) {
            throw CHECKS.fail("challengers", "at most " + ChallengerSpec.MAX + " challengers, got " + list.size());
        }
        CHECKS.required("promotion", promotion);
        if (update.maxDelayMs() > 0) {
            throw CHECKS.fail("update.maxDelayMs", "must be 0 with challengers (a flush by wall-clock time cannot "
                    + "be replayed, and promotions must be)");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            ChallengerSpec c = list.get(i);
            String path = "challengers[" + i + "]";
            if (c.name().equals(ChallengerSpec.MAIN) || !names.add(c.name())) {
                throw CHECKS.fail(path + ".name", "'" + c.name() + "' is taken (names are unique, and '"
                        + ChallengerSpec.MAIN + "' names the spec's own configuration)");
            }
            ModelSpec s = c.spec();
            if (s.task() != task || !Objects.equals(s.features(), features) || !Objects.equals(s.hashBits(), hashBits)
                    || !Objects.equals(s.classes(), classes) || !Objects.equals(s.classNames(), classNames)) {
                throw CHECKS.fail(path + ".spec", "a challenger learns the champion's events: its task, features, "
                        + "hashBits, classes and classNames are the champion's");
            }
            if (s.update().maxDelayMs() > 0) {
                throw CHECKS.fail(path + ".spec.update.maxDelayMs", "must be 0 (a flush by wall-clock time cannot "
                        + "be replayed, and promotions must be)");
            }
        }
        return list;
    }

    /**
     * Checks the input ({@code features} xor {@code hashBits}) and the classes of a task.
     *
     * @return an unmodifiable copy of {@code classNames}, or {@code null} when unset
     */
    static List<String> checkInput(Task task, Integer features, Integer hashBits, Integer classes,
                                   List<String> classNames) {
        if (features == null && hashBits == null) {
            throw CHECKS.fail("features", "required for task " + task.logicalName() + " unless hashBits is set");
        }
        if (features != null && hashBits != null) {
            throw CHECKS.fail("hashBits", "not allowed together with features (set exactly one)");
        }
        if (features != null) {
            CHECKS.inRange("features", features, 1, ModelSpec.MAX_FEATURES);
        } else {
            CHECKS.inRange("hashBits", hashBits, 1, ModelSpec.MAX_HASH_BITS);
        }
        if (task == Task.MULTICLASS) {
            if (classes == null) {
                throw CHECKS.fail("classes", "required for task multiclass");
            }
            CHECKS.atLeast("classes", classes, 2);
            if (classes > ModelSpec.MAX_CLASSES) {
                throw CHECKS.fail("classes", "must be <= " + ModelSpec.MAX_CLASSES + ", got " + classes);
            }
        } else {
            if (classes != null) {
                throw CHECKS.fail("classes", "only allowed for task multiclass, got task " + task.logicalName());
            }
            if (classNames != null) {
                throw CHECKS.fail("classNames", "only allowed for task multiclass, got task " + task.logicalName());
            }
        }
        return classNames == null ? null : checkClassNames(classNames, classes);
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

    /** Checks that {@code loss} is a loss, one that fits {@code task}, and that {@code huberDelta} > 0. */
    static void checkLoss(Task task, String loss, double huberDelta) {
        CHECKS.oneOf("loss", loss, ModelSpec.LOSSES);
        if (!lossesOf(task).contains(loss)) {
            throw CHECKS.fail("loss", "'" + loss + "' does not fit task " + task.logicalName()
                    + " (expected one of " + String.join(", ", lossesOf(task)) + ")");
        }
        CHECKS.positive("huberDelta", huberDelta);
    }

    /** See {@link ModelSpec#lossesOf}. */
    static List<String> lossesOf(Task task) {
        return switch (task) {
            case REGRESSION -> List.of("squared", "huber");
            case BINARY -> List.of("log");
            case MULTICLASS -> List.of("cross_entropy");
        };
    }

    /**
     * Checks how the weights are trained: optimizer and schedule present, no schedule but
     * {@code constant} and no MLP with {@code ftrl}, and the ranges of the intercept's rate and the
     * penalties.
     */
    static void checkTraining(ArchitectureSpec architecture, OptimizerSpec optimizer, ScheduleSpec schedule,
                              Double interceptLearningRate, double l2, double l1) {
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
    }

    /**
     * Checks the rules left after the size: {@code ftrl}, which has its own L1, leaves the spec's
     * {@code l1} at 0; {@code clipNorm}, when set, is > 0.
     */
    static void checkPenalties(OptimizerSpec optimizer, double l1, Double clipNorm) {
        if (optimizer.type().equals("ftrl") && l1 != 0) {
            throw CHECKS.fail("l1", "not used with optimizer ftrl, got " + l1 + " (set optimizer.l1 instead)");
        }
        if (clipNorm != null) {
            CHECKS.positive("clipNorm", clipNorm);
        }
    }

    /**
     * Checks an architecture: for {@code linear} no other field; for {@code mlp} 1 to
     * {@link ArchitectureSpec#MAX_LAYERS} hidden layers of 1 to {@link ArchitectureSpec#MAX_WIDTH}
     * units, an activation and an init.
     *
     * @return an unmodifiable copy of {@code hidden}, empty for {@code linear}
     */
    static List<Integer> checkArchitecture(String type, List<Integer> hidden, String activation, String init,
                                           long seed) {
        CHECKS.oneOf("architecture.type", type, ArchitectureSpec.TYPES);
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
            if (hidden.size() > ArchitectureSpec.MAX_LAYERS) {
                throw CHECKS.fail("architecture.hidden", "at most " + ArchitectureSpec.MAX_LAYERS
                        + " hidden layers, got " + hidden.size());
            }
            for (int i = 0; i < hidden.size(); i++) {
                String path = "architecture.hidden[" + i + "]";
                CHECKS.inRange(path, CHECKS.required(path, hidden.get(i)), 1, ArchitectureSpec.MAX_WIDTH);
            }
            hidden = List.copyOf(hidden);
            CHECKS.oneOf("architecture.activation", activation, ArchitectureSpec.ACTIVATIONS);
            CHECKS.oneOf("architecture.init", init, ArchitectureSpec.INITS);
        }
        return hidden;
    }

    /** Checks an update: {@code minibatch} with batchSize >= 1 and maxDelayMs >= 0, or {@code sample}. */
    static void checkUpdate(String mode, int batchSize, long maxDelayMs) {
        CHECKS.oneOf("update.mode", mode, UpdateSpec.MODES);
        if (mode.equals("minibatch")) {
            CHECKS.atLeast("update.batchSize", batchSize, 1);
            CHECKS.atLeast("update.maxDelayMs", maxDelayMs, 0);
        } else {
            CHECKS.absent("update.batchSize", batchSize, "update mode " + mode);
            CHECKS.absent("update.maxDelayMs", (double) maxDelayMs, "update mode " + mode);
        }
    }

    /** Checks that the model has at most {@link ModelSpec#MAX_PARAMETERS} parameters. */
    static void checkSize(Task task, Integer features, Integer hashBits, Integer classes,
                          ArchitectureSpec architecture) {
        long params = parameterCount(task == Task.MULTICLASS ? classes : 1,
                features != null ? features : 1 << hashBits, architecture);
        if (params > ModelSpec.MAX_PARAMETERS) {
            throw CHECKS.fail(sizeField(features, architecture), "the model would have " + params
                    + " parameters, more than the " + ModelSpec.MAX_PARAMETERS + " allowed");
        }
    }

    /** See {@link ModelSpec#sizeField()}. */
    static String sizeField(Integer features, ArchitectureSpec architecture) {
        if (architecture.type().equals("mlp")) {
            return "architecture.hidden";
        }
        return features != null ? "features" : "hashBits";
    }

    /** See {@link ModelSpec#parameterCount()}. */
    static long parameterCount(long outputs, long dimension, ArchitectureSpec architecture) {
        long params = 0;
        long in = dimension;
        for (int h : architecture.hidden()) {
            params += in * h + h;
            in = h;
        }
        return params + in * outputs + outputs;
    }
}
