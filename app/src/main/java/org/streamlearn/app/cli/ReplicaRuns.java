package org.streamlearn.app.cli;

import java.util.List;
import java.util.Set;
import org.streamlearn.app.backtest.BacktestRun;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ReplicasSpec;
import org.streamlearn.store.spec.SpecException;
import picocli.CommandLine;

/** {@code backtest --replicas R}: a spec's run without replicas and its run as R replicas, side by side. */
final class ReplicaRuns {

    private ReplicaRuns() {
    }

    /**
     * Adds {@code name} (the spec without replicas) and {@code name-rR} (with R replicas, the spec's
     * {@code syncEvery} or the default) to {@code runs}.
     */
    static void add(List<BacktestRun> runs, Set<String> names, String name, ModelSpec spec, int count,
            int labelDelay, CommandLine cli) {
        int syncEvery = spec.replicas() == null ? ReplicasSpec.DEFAULT_SYNC_EVERY : spec.replicas().syncEvery();
        ModelSpec replicated;
        try {
            replicated = spec.withReplicas(new ReplicasSpec(count, syncEvery));
        } catch (SpecException e) {
            throw new CommandLine.ParameterException(cli, "--replicas " + count + " with spec " + name + ": "
                    + e.getMessage());
        }
        String other = name + "-r" + count;
        if (!names.add(other)) {
            throw new CommandLine.ParameterException(cli, "--replicas: run name '" + other + "' is taken");
        }
        try {
            runs.add(new BacktestRun(name, spec.withReplicas(null), labelDelay));
            runs.add(new BacktestRun(other, replicated, labelDelay));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }
}
