package org.streamlearn.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.streamlearn.app.backtest.Backtest;
import org.streamlearn.app.backtest.BacktestRun;
import org.streamlearn.app.backtest.Source;
import org.streamlearn.app.backtest.TopicSource;
import org.streamlearn.app.kafka.KafkaClientConfig;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.ReplicasSpec;
import org.streamlearn.store.spec.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamlearn backtest}: replay a JSON Lines file through one or more specs side by side. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replays labeled events from a JSON Lines file or a Kafka topic through one or more model specs,"
                + " side by side,"
                + " with progressive validation (predict, score, then learn).",
                "Writes DIR/summary.json (whole-stream metrics and the final model of each spec) and"
                        + " DIR/trace-<name>.jsonl (the rolling loss every N events)."})
public final class BacktestCommand implements Callable<Integer> {

    @Option(names = "--input", paramLabel = "FILE",
            description = "JSON Lines events: {\"features\": [...] | {...}, \"label\": ..., \"weight\"?: ...}")
    Path input;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "replay this topic instead, from its beginning to its end when the backtest starts")
    String topic;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka cluster of --topic (or bootstrap.servers in --config, or STREAMLEARN_BOOTSTRAP_SERVERS)")
    String bootstrapServers;

    @CommandLine.Mixin
    KafkaClientOptions kafkaOptions = new KafkaClientOptions();

    @Option(names = "--key", paramLabel = "MODEL",
            description = "with --topic: only this record key (one model's events, in their order)")
    String key;

    @Option(names = "--spec", required = true, paramLabel = "[NAME=]SPEC.json",
            description = "a model spec file (repeatable); the run is named after the file unless NAME= is given")
    List<String> specs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (created)")
    Path out;

    @Option(names = "--trace-every", defaultValue = "100", paramLabel = "N",
            description = "write the rolling loss every N events (default: ${DEFAULT-VALUE})")
    int traceEvery;

    @Option(names = "--skip-invalid", description = "count and skip malformed lines instead of stopping at the first")
    boolean skipInvalid;

    @Option(names = "--label-delay", defaultValue = "0", paramLabel = "N",
            description = "labels arrive N events late: predict each event, then reveal the label of the event N "
                    + "before it (score its served prediction, learn it); 0 (default): ordinary progressive validation")
    int labelDelay;

    @Option(names = "--replicas", paramLabel = "R", description = "also run each spec as R replicas with periodic"
            + " parameter averaging (its replicas.syncEvery, else " + ReplicasSpec.DEFAULT_SYNC_EVERY + "), named"
            + " NAME-rR, beside the spec without replicas")
    Integer replicas;

    @Option(names = "--quiet", description = "no progress display")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws IOException {
        if (traceEvery < 1) {
            throw new CommandLine.ParameterException(command.commandLine(), "--trace-every: must be >= 1");
        }
        if (labelDelay < 0) {
            throw new CommandLine.ParameterException(command.commandLine(), "--label-delay: must be >= 0");
        }
        if ((input == null) == (topic == null)) {
            throw new CommandLine.ParameterException(command.commandLine(), "give either --input FILE or --topic TOPIC"
                    + " (with --bootstrap-servers)");
        }
        if (input != null && !Files.isRegularFile(input)) {
            throw new CommandLine.ParameterException(command.commandLine(), "--input: no such file: " + input);
        }
        KafkaClientConfig kafka = topic == null ? null : kafkaOptions.load(command.commandLine(), bootstrapServers);
        if (key != null && topic == null) {
            throw new CommandLine.ParameterException(command.commandLine(), "--key goes with --topic");
        }
        List<BacktestRun> runs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String s : specs) {
            String name = null;
            String file = s;
            int eq = s.indexOf('=');
            if (eq > 0 && !Files.exists(Path.of(s))) {
                name = s.substring(0, eq);
                file = s.substring(eq + 1);
            }
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                throw new CommandLine.ParameterException(command.commandLine(), "--spec: no such file: " + p);
            }
            if (name == null) {
                name = p.getFileName().toString().replaceFirst("\\.json$", "");
            }
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new CommandLine.ParameterException(command.commandLine(), "--spec: run name '" + name
                        + "' may only use letters, digits, '.', '_' and '-'");
            }
            String unique = name;
            for (int i = 2; !names.add(unique); i++) {
                unique = name + "-" + i;
            }
            ModelSpec spec;
            try {
                spec = ModelSpecs.parse(Files.readString(p));
            } catch (SpecException e) {
                throw new CommandLine.ParameterException(command.commandLine(), "--spec " + p + ": " + e.getMessage());
            }
            if (replicas != null) {
                ReplicaRuns.add(runs, names, unique, spec, replicas, labelDelay, command.commandLine());
                continue;
            }
            runs.add(new BacktestRun(unique, spec, labelDelay));
        }
        Backtest.Result r;
        Backtest.Options options = new Backtest.Options(input, out, traceEvery, skipInvalid,
                quiet ? null : command.commandLine().getErr());
        try (Source source = input != null ? Source.file(input) : new TopicSource(kafka, topic, key)) {
            r = Backtest.run(runs, source, options);
        } catch (Backtest.LineException | IllegalArgumentException e) {
            command.commandLine().getErr().println("\nerror: " + e.getMessage());
            return 2;
        }
        var err = command.commandLine().getOut();
        for (BacktestRun run : r.runs()) {
            StringBuilder sb = new StringBuilder();
            var metrics = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            run.metricsInto(metrics);
            metrics.properties().forEach(e -> sb.append(String.format(Locale.ROOT, " %s=%.6g", e.getKey(),
                    e.getValue().asDouble())));
            err.printf(Locale.ROOT, "%-20s seen=%d steps=%d%s%n", run.name(), run.model().learned().seen(),
                    run.model().learned().steps(), sb);
        }
        err.println("summary: " + r.summary());
        return 0;
    }
}
