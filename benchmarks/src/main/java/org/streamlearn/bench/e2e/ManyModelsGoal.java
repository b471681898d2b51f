package org.streamlearn.bench.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.StreamsConfig;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.bench.TempDirs;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Issue 13, figure 2: events learned per second with 100,000 models (keys drawn uniformly at random, d = 20, Adam,
 * default cache settings) against the same with 16 models, in one run on one broker, rounds alternating which runs
 * first; with the heap (after a GC, the service holding every model, less the heap before it started) and the
 * state directory (RocksDB, after a clean stop) per model. The default cache ({@code cache.max.models=auto}) is
 * sized from the heap: {@code -Xmx3g} holds every one of 100,000 models at d = 20 on 4 partitions. With
 * {@code created=true} each input first gets one event per model (keys in order), and the clock starts once
 * those are committed: the steady state of models that already exist, without their creation (a new model's spec,
 * first snapshot and changelog entry) in the timed part. {@code variant=key:value;key:value} adds a third job per
 * round, the many-model job with those service settings (a key {@code sys.name} sets the system property
 * {@code name} for that job instead), for an A/B of a setting in the same run; its ratio is against the 16-model
 * job, as the figure's. {@code warmup} 16-model jobs run first, not counted: without one, the first round's 16-model
 * job ran in a JVM that had not compiled the hot paths yet, at a third of its warm rate, and inflated that round's
 * ratio.
 *
 * <pre>java -Xmx3g -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar \
 *     org.streamlearn.bench.e2e.ManyModelsGoal [events=1000000] [models=100000] [baseline=16] [partitions=4]
 *     [rounds=3] [warmup=1] [created=false] [variant=key:value;...] [svc.key=value ...]</pre>
 */
public final class ManyModelsGoal {

    private ManyModelsGoal() {
    }

    /** Runs the figure; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.of("events", "1000000", "models", "100000", "baseline", "16",
                "partitions", "4", "rounds", "3", "features", "20", "optimizer", "adam", "created", "false",
                "variant", "", "warmup", "1"));
        System.out.println("many models: " + a + ", load average " + GoalTable.load());
        int events = a.integer("events");
        int models = a.integer("models");
        int few = a.integer("baseline");
        int partitions = a.integer("partitions");
        Path work = TempDirs.create("streamlearn-manymodels");
        Map<String, String> variant = BenchArgs.variant(a.get("variant"), a.service());
        Rounds rounds = variant == null ? new Rounds("few", "many") : new Rounds("few", "many", "variant");
        List<Jobs.Run> many = new ArrayList<>();
        List<Jobs.Run> varied = new ArrayList<>();
        List<Jobs.Run> base = new ArrayList<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
                admin.createTopics(List.of(TopicSpec.of("in-many", partitions), TopicSpec.of("in-few", partitions)));
            }
            boolean created = Boolean.parseBoolean(a.get("created"));
            if (created) {
                Jobs.produce(bootstrap, "in-many", models, models, a.integer("features"), false);
                Jobs.produce(bootstrap, "in-few", few, few, a.integer("features"), false);
            }
            Jobs.produce(bootstrap, "in-many", events, models, a.integer("features"), true);
            Jobs.produce(bootstrap, "in-few", events, few, a.integer("features"), true);
            long heap0 = Jobs.usedHeapAfterGc();
            for (int w = 1; w <= a.integer("warmup"); w++) {
                int id = w;
                rounds.warmUp("16-model job", () -> run(bootstrap, "warmup-" + id, "in-few", partitions, a, work,
                        created ? few : 0, events, heap0, new ArrayList<>(), a.service()));
            }
            for (int r = 1; r <= a.integer("rounds"); r++) {
                int round = r;
                Rounds.Job baseline = () -> run(bootstrap, "few-" + round, "in-few", partitions, a, work,
                        created ? few : 0, events, heap0, base, a.service());
                Rounds.Job subject = () -> run(bootstrap, "many-" + round, "in-many", partitions, a, work,
                        created ? models : 0, events, heap0, many, a.service());
                Rounds.Job other = () -> run(bootstrap, "variant-" + round, "in-many", partitions, a, work,
                        created ? models : 0, events, heap0, varied, variant);
                rounds.run(r, models + " vs " + few + " models (ev/s)", variant == null
                        ? new Rounds.Job[] {baseline, subject} : new Rounds.Job[] {baseline, subject, other});
            }
        }
        double heapPerModel = (median(many, Jobs.Run::heapBytes) - median(base, Jobs.Run::heapBytes))
                / (double) (models - few);
        double diskPerModel = median(many, Jobs.Run::stateDirBytes) / (double) models;
        double ratio = rounds.medianRatio(1);
        System.out.printf(Locale.ROOT, "heap in use: %d models %.1f MiB, %d models %.1f MiB (medians); state dir: "
                + "%d models %.1f MiB%n", models, median(many, Jobs.Run::heapBytes) / 1048576.0, few,
                median(base, Jobs.Run::heapBytes) / 1048576.0, models,
                median(many, Jobs.Run::stateDirBytes) / 1048576.0);
        System.out.println("load average at the end " + GoalTable.load());
        GoalTable table = new GoalTable().row("events learned/s, " + GoalTable.n(models) + " models (uniform keys, d = "
                + a.get("features") + "), " + partitions + " partitions, " + StreamsConfig.EXACTLY_ONCE_V2,
                GoalTable.n(rounds.median(1)) + " ev/s (median); heap " + GoalTable.n(heapPerModel)
                        + " B/model, state dir " + GoalTable.n(diskPerModel) + " B/model",
                GoalTable.n(rounds.median(0)) + " ev/s with " + few + " models",
                GoalTable.r(ratio) + " (rounds " + rounds.ratios(1) + ")", ">= 0.5", ratio >= 0.5);
        if (variant != null) {
            double v = rounds.medianRatio(2);
            table.row("the same with " + a.get("variant"), GoalTable.n(rounds.median(2)) + " ev/s (median)",
                    "16 models, as above", GoalTable.r(v) + " (rounds " + rounds.ratios(2) + ")", ">= 0.5", v >= 0.5);
        }
        table.print();
    }

    private static double run(String bootstrap, String app, String input, int partitions, BenchArgs a, Path work,
            int untimed, int events, long heap0, List<Jobs.Run> into, Map<String, String> settings) throws Exception {
        Map<String, String> service = new LinkedHashMap<>();
        Map<String, String> properties = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("sys.")) {
                properties.put(k.substring(4), v);
            } else {
                service.put(k, v);
            }
        });
        properties.forEach(System::setProperty);
        try {
            Jobs.Run run = Jobs.learn(Jobs.serviceConfig(bootstrap, app, input, partitions,
                    StreamsConfig.EXACTLY_ONCE_V2, a.get("optimizer"), work.resolve(app), -1, service), untimed,
                    events, heap0);
            into.add(run);
            return run.eventsPerSecond();
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    private static double median(List<Jobs.Run> runs, ToLongFunction<Jobs.Run> f) {
        return Rounds.median(runs.stream().mapToDouble(f::applyAsLong).toArray());
    }
}
