package org.streamlearn.app.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.streamlearn.app.backtest.Backtest;
import org.streamlearn.app.backtest.BacktestRun;
import org.streamlearn.app.backtest.Configuration;
import org.streamlearn.app.backtest.EpochBacktest;
import org.streamlearn.app.backtest.Grid;
import org.streamlearn.app.backtest.KeyedBacktest;
import org.streamlearn.app.backtest.Range;
import org.streamlearn.app.backtest.Source;
import org.streamlearn.app.backtest.TopicSource;
import org.streamlearn.app.backtest.WarmStart;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.store.spec.ReplicasSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamlearn backtest}: replay a JSON Lines file through one or more specs side by side, or a topic
 * (with its commands) through one model per key per configuration. The options of each concern sit in their
 * own group of fields below; {@link #call} checks them, builds the configurations and runs the one or the other.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replays labeled events from a JSON Lines file or a Kafka topic through one or more model specs,"
                + " side by side, with progressive validation (predict, score, then learn).",
                "A topic is replayed into one model per key per spec (per configuration); with --commands-topic the"
                        + " spec changes, resets and deletes are replayed too, and without --spec each key uses its"
                        + " live spec.",
                "Writes DIR/summary.json (whole-stream metrics and the final model of each run), DIR/trace-<name>.jsonl"
                        + " (the rolling loss every N events), DIR/report.html and, for a topic, DIR/summary.csv."})
public final class BacktestCommand implements Callable<Integer> {

    // --- input

    @Option(names = "--input", paramLabel = "FILE",
            description = "JSON Lines events: {\"features\": [...] | {...}, \"label\": ..., \"weight\"?: ...}")
    Path input;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "replay this topic instead, one model per key, up to its end when the backtest starts")
    String topic;

    @Option(names = "--commands-topic", paramLabel = "TOPIC",
            description = "with --topic: replay this topic's model commands (e.g. model-commands) in timestamp order"
                    + " with the events")
    String commandsTopic;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka cluster of --topic (or bootstrap.servers in --config, or STREAMLEARN_BOOTSTRAP_SERVERS)")
    String bootstrapServers;

    @CommandLine.Mixin
    KafkaClientOptions kafkaOptions = new KafkaClientOptions();

    @Option(names = "--key", paramLabel = "MODEL",
            description = "with --topic: only this key's records (repeatable; with --keys-matching: either)")
    List<String> keys = new ArrayList<>();

    @Option(names = "--keys-matching", paramLabel = "REGEX",
            description = "with --topic: only the keys this regular expression matches as a whole")
    String keysMatching;

    @Option(names = "--from", paramLabel = "WHEN",
            description = "with --topic: start at ISO-8601 time, epoch ms, a duration before now (-7d, P7D: depends on"
                    + " the wall clock) or partition offsets (0:100,1:250); inclusive")
    String from;

    @Option(names = "--to", paramLabel = "WHEN", description = "with --topic: stop there, exclusive (forms as --from)")
    String to;

    @Option(names = "--warm-start", paramLabel = "TOPIC",
            description = "with --topic: start each key from its snapshot on this topic (e.g. model-parameters): the"
                    + " latest, or the latest at or before a time --from; replay the key's records after it")
    String warmStart;

    // --- configurations

    @Option(names = "--spec", paramLabel = "[NAME=]SPEC.json",
            description = "a model spec file (repeatable); the run is named after the file unless NAME= is given;"
                    + " required with --input; with --topic and none: each key's live spec")
    List<String> specs = new ArrayList<>();

    @Option(names = "--grid", paramLabel = "PATH=V1,V2,…",
            description = "run every combination of these spec settings over each --spec (repeatable), e.g."
                    + " --grid optimizer.learningRate=0.001,0.01 --grid optimizer.type=sgd,adam")
    List<String> grids = new ArrayList<>();

    @Option(names = "--label-delay", defaultValue = "0", paramLabel = "N",
            description = "with --input: labels arrive N events late: predict each event, then reveal the label of the"
                    + " event N before it (score its served prediction, learn it); 0 (default): progressive validation")
    int labelDelay;

    // --- epochs (events held in memory)

    @Option(names = "--replicas", paramLabel = "R", description = "with --input: also run each spec as R replicas"
            + " with periodic parameter averaging (its replicas.syncEvery, else " + ReplicasSpec.DEFAULT_SYNC_EVERY
            + "), named NAME-rR, beside the spec without replicas")
    Integer replicas;

    @Option(names = "--epochs", paramLabel = "N",
            description = "train in N passes over each key's events (held in memory); with \"update\": {\"mode\":"
                    + " \"batch\"} one step per pass, with mini-batches one per batch")
    Integer epochs;

    @Option(names = "--shuffle-seed", paramLabel = "SEED",
            description = "with epochs: shuffle each pass's order, reproducibly (the same order for every configuration)")
    Long shuffleSeed;

    @Option(names = "--holdout", paramLabel = "LAST_FRACTION",
            description = "hold the last fraction (0..1) of each key's events out of training and score every"
                    + " configuration on them")
    Double holdout;

    // --- execution and output

    @Option(names = "--threads", paramLabel = "N",
            description = "with --topic or epochs: threads running configurations and keys (default: the cores);"
                    + " results do not depend on it")
    Integer threads;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (created)")
    Path out;

    @Option(names = "--trace-every", defaultValue = "100", paramLabel = "N",
            description = "write the rolling loss every N events (of each key) (default: ${DEFAULT-VALUE})")
    int traceEvery;

    @Option(names = "--skip-invalid", description = "count and skip malformed lines instead of stopping at the first")
    boolean skipInvalid;

    @Option(names = "--quiet", description = "no progress display")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = command.commandLine();
        check();
        List<Configuration> configs = BacktestSpecs.parse(cl, specs);
        if (!grids.isEmpty()) {
            if (configs.isEmpty()) {
                throw fail("--grid needs --spec");
            }
            try {
                configs = Grid.expand(configs, grids.stream().map(Grid::parse).toList());
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage());
            }
        }
        Backtest.Options options = new Backtest.Options(input, out, traceEvery, skipInvalid,
                quiet ? null : cl.getErr());
        try {
            if (epochs != null || shuffleSeed != null || holdout != null || configs.stream()
                    .anyMatch(c -> c.spec().update().mode().equals("batch"))) {
                return epochs(configs, options);
            }
            if (input != null) {
                return file(configs, options);
            }
            return topic(configs.isEmpty() ? List.of(Configuration.live()) : configs, options);
        } catch (Backtest.LineException | IllegalArgumentException e) {
            cl.getErr().println("\nerror: " + e.getMessage());
            return 2;
        }
    }

    private void check() {
        if (traceEvery < 1) {
            throw fail("--trace-every: must be >= 1");
        }
        if (labelDelay < 0) {
            throw fail("--label-delay: must be >= 0");
        }
        if ((input == null) == (topic == null)) {
            throw fail("give either --input FILE or --topic TOPIC (with --bootstrap-servers)");
        }
        if (input != null) {
            if (!Files.isRegularFile(input)) {
                throw fail("--input: no such file: " + input);
            }
            if (specs.isEmpty()) {
                throw fail("--input needs at least one --spec");
            }
            for (String o : List.of("--key", "--keys-matching", "--commands-topic", "--from", "--to",
                    "--warm-start")) {
                if (command.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw fail(o + " goes with --topic");
                }
            }
        } else if (replicas != null) {
            throw fail("--replicas: only with --input for now (a topic is replayed per key by the live lifecycle)");
        } else if (labelDelay > 0) {
            throw fail("--label-delay: only with --input for now (a topic is replayed per key by the live lifecycle)");
        }
        if (epochs != null && epochs < 1) {
            throw fail("--epochs: must be >= 1");
        }
        if (holdout != null && !(holdout >= 0 && holdout < 1)) {
            throw fail("--holdout: a fraction in [0, 1), got " + holdout);
        }
        if (threads != null && threads < 1) {
            throw fail("--threads: must be >= 1");
        }
    }

    private CommandLine.ParameterException fail(String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }

    private int epochs(List<Configuration> configs, Backtest.Options options) throws IOException {
        if (configs.isEmpty()) {
            throw fail("--epochs, --holdout and batch mode need --spec");
        }
        for (String o : List.of("--commands-topic", "--warm-start", "--label-delay", "--replicas")) {
            if (command.commandLine().getParseResult().hasMatchedOption(o)) {
                throw fail(o + ": not with --epochs, --holdout or batch mode");
            }
        }
        EpochBacktest.Plan plan = new EpochBacktest.Plan(epochs == null ? 1 : epochs, shuffleSeed,
                holdout == null ? 0 : holdout);
        try (Source source = input != null ? Source.file(input) : topicSource(null)) {
            EpochBacktest.run(configs, source, options, plan, threadCount());
        }
        command.commandLine().getOut().println("summary: " + out.resolve("summary.json"));
        return 0;
    }

    private int threadCount() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    private Source topicSource(WarmStart warm) {
        ServiceConfig service = kafkaOptions.service(command.commandLine(), bootstrapServers);
        long now = System.currentTimeMillis();
        Range range = new Range(from == null ? null : Range.parse("--from", from, now),
                to == null ? null : Range.parse("--to", to, now));
        return new TopicSource(service.kafkaClients(), topic, commandsTopic, keyFilter(),
                warm == null ? range : warm.widen(range));
    }

    private int file(List<Configuration> configs, Backtest.Options options) throws IOException {
        List<BacktestRun> runs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        configs.forEach(c -> names.add(c.name()));
        for (Configuration c : configs) {
            if (replicas != null) {
                ReplicaRuns.add(runs, names, c.name(), c.spec(), replicas, labelDelay, command.commandLine());
            } else {
                runs.add(new BacktestRun(c.name(), c.spec(), labelDelay));
            }
        }
        Backtest.Result r;
        try (Source source = Source.file(input)) {
            r = Backtest.run(runs, source, options);
        }
        var o = command.commandLine().getOut();
        for (BacktestRun run : r.runs()) {
            StringBuilder sb = new StringBuilder();
            var metrics = JsonNodeFactory.instance.objectNode();
            run.metricsInto(metrics);
            metrics.properties().forEach(e -> sb.append(String.format(Locale.ROOT, " %s=%.6g", e.getKey(),
                    e.getValue().asDouble())));
            o.printf(Locale.ROOT, "%-20s seen=%d steps=%d%s%n", run.name(), run.model().learned().seen(),
                    run.model().learned().steps(), sb);
        }
        o.println("summary: " + r.summary());
        return 0;
    }

    private int topic(List<Configuration> configs, Backtest.Options options) throws IOException {
        CommandLine cl = command.commandLine();
        ServiceConfig service = kafkaOptions.service(cl, bootstrapServers);
        WarmStart warm = null;
        if (warmStart != null) {
            Range.Bound start = from == null ? null : Range.parse("--from", from, System.currentTimeMillis());
            warm = WarmStart.read(service.kafkaClients(), warmStart, keyFilter(),
                    start instanceof Range.Time t ? t.epochMs() : null);
        }
        KeyedBacktest.Result r;
        try (Source source = topicSource(warm)) {
            r = KeyedBacktest.run(configs, source, options, TopologyFactory.settings(service), threadCount(), warm);
        }
        cl.getOut().printf(Locale.ROOT, "%d records: %d events, %d commands, %d invalid; %d configuration(s)%n",
                r.records(), r.events(), r.commands(), r.invalid(), configs.size());
        cl.getOut().println("summary: " + out.resolve("summary.json"));
        return 0;
    }

    private Predicate<String> keyFilter() {
        if (keys.isEmpty() && keysMatching == null) {
            return null;
        }
        Set<String> listed = Set.copyOf(keys);
        Pattern p;
        try {
            p = keysMatching == null ? null : Pattern.compile(keysMatching);
        } catch (PatternSyntaxException e) {
            throw fail("--keys-matching: not a regular expression: " + e.getDescription());
        }
        return k -> listed.contains(k) || (p != null && p.matcher(k).matches());
    }
}
