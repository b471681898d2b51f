package org.streamlearn.core.optim;

/**
 * The logical name and the slot names of every {@link Optimizer}, in one table: what
 * {@link Optimizer#name()} and {@link Optimizer#slotNames()} answer. Read when a learner is built or a state is
 * written or read, never on the per-event path.
 */
enum OptimizerTable {
    SGD(Sgd.class, "sgd"),
    MOMENTUM(Momentum.class, "momentum", "velocity"),
    NESTEROV(Nesterov.class, "nesterov", "velocity"),
    ADAGRAD(AdaGrad.class, "adagrad", "sumSquares"),
    RMSPROP(RmsProp.class, "rmsprop", "meanSquares"),
    ADAM(Adam.class, "adam", "m", "v"),
    FTRL(Ftrl.class, "ftrl", "z", "n");

    private final Class<? extends Optimizer> type;
    private final String logicalName;
    private final String[] slots;

    OptimizerTable(Class<? extends Optimizer> type, String logicalName, String... slots) {
        this.type = type;
        this.logicalName = logicalName;
        this.slots = slots;
    }

    /** The row of {@code optimizer}'s class; every permitted class has one. */
    static OptimizerTable of(Optimizer optimizer) {
        for (OptimizerTable row : values()) {
            if (row.type == optimizer.getClass()) {
                return row;
            }
        }
        throw new IllegalStateException("no row for " + optimizer.getClass().getName());
    }

    String logicalName() {
        return logicalName;
    }

    /** The slot names, in state order (a copy). */
    String[] slotNames() {
        return slots.clone();
    }
}
