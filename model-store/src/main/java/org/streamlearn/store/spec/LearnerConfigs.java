package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import org.streamlearn.core.loss.HuberLoss;
import org.streamlearn.core.loss.LogLoss;
import org.streamlearn.core.loss.Loss;
import org.streamlearn.core.loss.SquaredLoss;
import org.streamlearn.core.model.Activation;
import org.streamlearn.core.model.Architecture;
import org.streamlearn.core.model.Init;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.optim.AdaGrad;
import org.streamlearn.core.optim.Adam;
import org.streamlearn.core.optim.Ftrl;
import org.streamlearn.core.optim.Momentum;
import org.streamlearn.core.optim.Nesterov;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.RmsProp;
import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.schedule.LearningRateSchedule;

/** Turns a validated {@link ModelSpec} into the learning core's {@link LearnerConfig}. */
public final class LearnerConfigs {

    private LearnerConfigs() {
    }

    /** The core configuration of {@code spec}; named features use a dimension of {@code 2^hashBits}. */
    public static LearnerConfig of(ModelSpec spec) {
        LearnerConfig.Builder b = LearnerConfig.builder(spec.task(), spec.dimension());
        if (spec.classes() != null) {
            b.classes(spec.classes());
        }
        b.loss(loss(spec));
        b.architecture(architecture(spec.architecture()));
        ModelSpec.OptimizerSpec o = spec.optimizer();
        b.optimizer(optimizer(o));
        double lr = o.type().equals("ftrl") ? 1.0 : o.learningRate();
        ModelSpec.ScheduleSpec s = spec.schedule();
        b.schedule(switch (s.type()) {
            case "constant" -> new LearningRateSchedule.Constant(lr);
            case "exponential" -> new LearningRateSchedule.Exponential(lr, s.decay());
            case "step" -> new LearningRateSchedule.Step(lr, s.factor(), s.every());
            case "inverse" -> new LearningRateSchedule.Inverse(lr, s.power());
            default -> throw CHECKS.unknownValue("schedule.type", s.type(), ModelSpec.ScheduleSpec.TYPES);
        });
        b.interceptLearningRate(spec.interceptLearningRate() == null ? Double.NaN : spec.interceptLearningRate());
        b.l2(spec.l2());
        b.l1(spec.l1());
        b.clipNorm(spec.clipNorm() == null ? Double.NaN : spec.clipNorm());
        b.standardize(spec.standardize());
        b.batchSize(switch (spec.update().mode()) {
            case "minibatch" -> spec.update().batchSize();
            case "batch" -> LearnerConfig.FULL_BATCH;
            default -> 1;
        });
        b.metricsWindow(spec.metrics().window());
        b.ewmaAlpha(spec.metrics().ewmaAlpha());
        return b.build();
    }

    private static Loss loss(ModelSpec spec) {
        return switch (spec.loss()) {
            case "squared" -> SquaredLoss.INSTANCE;
            case "huber" -> new HuberLoss(spec.huberDelta());
            case "log" -> LogLoss.INSTANCE;
            case "cross_entropy" -> null;
            default -> throw CHECKS.unknownValue("loss", spec.loss(), ModelSpec.LOSSES);
        };
    }

    /** The core architecture of an architecture spec: {@code linear}, or {@code mlp} with its layers and seed. */
    static Architecture architecture(ModelSpec.ArchitectureSpec a) {
        return switch (a.type()) {
            case "linear" -> new Architecture.Linear();
            case "mlp" -> {
                int[] hidden = new int[a.hidden().size()];
                for (int i = 0; i < hidden.length; i++) {
                    hidden[i] = a.hidden().get(i);
                }
                Activation activation;
                Init init;
                try {
                    activation = Activation.of(a.activation());
                } catch (IllegalArgumentException e) {
                    throw CHECKS.unknownValue("architecture.activation", a.activation(),
                            ModelSpec.ArchitectureSpec.ACTIVATIONS);
                }
                try {
                    init = Init.of(a.init());
                } catch (IllegalArgumentException e) {
                    throw CHECKS.unknownValue("architecture.init", a.init(), ModelSpec.ArchitectureSpec.INITS);
                }
                yield new Architecture.Mlp(hidden, activation, init, a.seed());
            }
            default -> throw CHECKS.unknownValue("architecture.type", a.type(), ModelSpec.ArchitectureSpec.TYPES);
        };
    }

    /** The core optimizer of an optimizer spec. */
    public static Optimizer optimizer(ModelSpec.OptimizerSpec o) {
        return switch (o.type()) {
            case "sgd" -> new Sgd();
            case "momentum" -> new Momentum(o.momentum());
            case "nesterov" -> new Nesterov(o.momentum());
            case "adagrad" -> new AdaGrad(o.epsilon());
            case "rmsprop" -> new RmsProp(o.rho(), o.epsilon());
            case "adam" -> new Adam(o.beta1(), o.beta2(), o.epsilon());
            case "ftrl" -> new Ftrl(o.alpha(), o.beta(), o.l1(), o.l2());
            default -> throw CHECKS.unknownValue("optimizer.type", o.type(), ModelSpec.OptimizerSpec.TYPES);
        };
    }
}
