package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import java.util.List;
import org.streamlearn.store.spec.ModelSpec.OptimizerSpec;

/**
 * The parameters of each optimizer type of {@link OptimizerSpec}: which fields it has, their
 * defaults and their ranges (DESIGN.md "Conventions of the maths"). The parameters are handled as
 * a {@code double[]} in {@link #FIELDS} order, which the JSON reader and writer share.
 */
final class OptimizerTypes {

    /** Every parameter field, in JSON order. */
    static final List<String> FIELDS =
            List.of("learningRate", "momentum", "beta1", "beta2", "rho", "epsilon", "alpha", "beta", "l1", "l2");
    private static final double[] DEFAULTS = {0.01, 0.9, 0.9, 0.999, 0.9, 1e-8, 0.1, 1.0, 0.0, 0.0};

    private OptimizerTypes() {
    }

    /**
     * Checks parameter values in {@link #FIELDS} order: those of {@code type} in their ranges
     * ({@code learningRate}, {@code epsilon}, {@code alpha} > 0; {@code beta}, {@code l1},
     * {@code l2} >= 0; the decays in [0, 1)), the others 0.
     */
    static void check(String type, double[] v) {
        CHECKS.oneOf("optimizer.type", type, OptimizerSpec.TYPES);
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

    /** See {@link OptimizerSpec#fieldsOf}. */
    static List<String> fieldsOf(String type) {
        switch (CHECKS.oneOf("optimizer.type", type, OptimizerSpec.TYPES)) {
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

    /** The parameter values of {@code type} at their defaults, the others 0, in {@link #FIELDS} order. */
    static double[] defaults(String type) {
        List<String> own = fieldsOf(type);
        double[] v = new double[FIELDS.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = own.contains(FIELDS.get(i)) ? DEFAULTS[i] : 0;
        }
        return v;
    }

    /** The default of a parameter field. */
    static double defaultOf(String field) {
        return DEFAULTS[FIELDS.indexOf(field)];
    }
}
