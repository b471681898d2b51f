package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import java.util.List;
import org.streamlearn.store.spec.ModelSpec.ScheduleSpec;

/**
 * The parameters of each learning-rate schedule type of {@link ScheduleSpec}: which fields it has
 * their defaults and their ranges.
 */
final class ScheduleTypes {

    /** Every parameter field, in JSON order. */
    static final List<String> FIELDS = List.of("decay", "factor", "every", "power");

    private ScheduleTypes() {
    }

    /**
     * Checks the parameters: those of {@code type} in their ranges ({@code decay} and
     * {@code factor} in (0, 1], {@code every} >= 1, {@code power} > 0), the others 0.
     */
    static void check(String type, double decay, double factor, int every, double power) {
        CHECKS.oneOf("schedule.type", type, ScheduleSpec.TYPES);
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

    /** See {@link ScheduleSpec#fieldsOf}. */
    static List<String> fieldsOf(String type) {
        switch (CHECKS.oneOf("schedule.type", type, ScheduleSpec.TYPES)) {
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

    /** See {@link ScheduleSpec#defaults}: decay 0.99; factor 0.5 every 1000 steps; power 0.5. */
    static ScheduleSpec defaults(String type) {
        switch (CHECKS.oneOf("schedule.type", type, ScheduleSpec.TYPES)) {
            case "exponential":
                return ScheduleSpec.exponential(0.99);
            case "step":
                return ScheduleSpec.step(0.5, 1000);
            case "inverse":
                return ScheduleSpec.inverse(0.5);
            default:
                return ScheduleSpec.constant();
        }
    }
}
