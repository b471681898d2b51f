package org.streamlearn.bench.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.bench.TempDirs;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Issue 13, figure 1: events learned per second under exactly-once (d = 20, Adam) with 1 model on 1 partition
 * and with 16 models on 4 partitions, each against a Kafka Streams pass-through (read, parse the JSON, write) over
 * the same topic on the same broker, in one run. Rounds rotate which job runs first; the figure is the median
 * of the rounds' ratios (each ratio from jobs run back to back), after {@code warmup} rounds that are not
 * counted. {@code variant=key:value;key:value} adds a third
 * job per round, the service with those settings, for an A/B of a setting in the same run.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar org.streamlearn.bench.e2e.LearnRateGoal
 *     [events=1000000] [rounds=3] [features=20] [optimizer=adam] [layouts=1x1,16x4] [warmup=1]
 *     [variant=key:value;...]
 *     [svc.key=value ...]</pre>
 */
public final class LearnRateGoal {

    private LearnRateGoal() {
    }

    private static double learn(String bootstrap, String app, String input, int partitions, BenchArgs a, Path work,
            int events, Map<String, String> settings) throws Exception {
        return Jobs.learn(Jobs.serviceConfig(bootstrap, app, input, partitions, a.get("guarantee"),
                a.get("optimizer"), work.resolve(app), -1, settings), events, 0).eventsPerSecond();
    }

    /** Runs the figure; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.of("events", "1000000", "rounds", "3", "features", "20",
                "optimizer", "adam", "layouts", "1x1,16x4", "guarantee", StreamsConfig.EXACTLY_ONCE_V2,
                "variant", "", "warmup", "1"));
        System.out.println("learn rate vs pass-through: " + a + ", load average " + GoalTable.load());
        int events = a.integer("events");
        Path work = TempDirs.create("streamlearn-learnrate");
        GoalTable table = new GoalTable();
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            for (String layout : a.get("layouts").split(",")) {
                String[] mp = layout.split("x");
                int models = Integer.parseInt(mp[0]);
                int partitions = Integer.parseInt(mp[1]);
                String input = "in-" + layout;
                try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
                    admin.createTopics(List.of(TopicSpec.of(input, partitions),
                            TopicSpec.of(Jobs.passOutput(input), partitions)));
                }
                Jobs.produce(bootstrap, input, events, models, a.integer("features"), false);
                Map<String, String> variant = BenchArgs.variant(a.get("variant"), a.service());
                Rounds rounds = variant == null ? new Rounds("pass-through", "streamlearn")
                        : new Rounds("pass-through", "streamlearn", "variant");
                for (int r = 1 - a.integer("warmup"); r <= a.integer("rounds"); r++) {
                    String id = layout + "-" + (r <= 0 ? "w" + (1 - r) : r);
                    Rounds.Job pass = () -> Jobs.passThrough(bootstrap, input, events, a.get("guarantee"),
                            work.resolve("pass-" + id), "pass-" + id);
                    Rounds.Job learn = () -> learn(bootstrap, "learn-" + id, input, partitions, a, work, events,
                            a.service());
                    Rounds.Job[] jobs = variant == null ? new Rounds.Job[] {pass, learn} : new Rounds.Job[] {pass,
                        learn, () -> learn(bootstrap, "variant-" + id, input, partitions, a, work, events, variant)};
                    if (r <= 0) {
                        rounds.warmUp(layout + " (ev/s)", jobs);
                    } else {
                        rounds.run(r, layout + " (ev/s)", jobs);
                    }
                }
                double ratio = rounds.medianRatio(1);
                table.row("events learned/s, " + a.get("guarantee") + ", d = " + a.get("features") + ", " + models
                        + " model(s) on " + partitions + " partition(s)", GoalTable.n(rounds.median(1))
                        + " ev/s (median)", "pass-through " + GoalTable.n(rounds.median(0)) + " ev/s (median)",
                        GoalTable.r(ratio) + " (rounds " + rounds.ratios(1) + ")", ">= 0.8", ratio >= 0.8);
                if (variant != null) {
                    double v = rounds.medianRatio(2);
                    table.row("the same with " + a.get("variant"), GoalTable.n(rounds.median(2)) + " ev/s (median)",
                            "pass-through, as above", GoalTable.r(v) + " (rounds " + rounds.ratios(2) + ")", ">= 0.8",
                            v >= 0.8);
                }
            }
        }
        System.out.println("load average at the end " + GoalTable.load());
        table.print();
    }
}
