package org.streamlearn.bench.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Issue 13, figure 1: events learned per second under exactly-once (d = 20, Adam) with 1 model on 1 partition
 * and with 16 models on 4 partitions, each against a Kafka Streams pass-through (read, parse the JSON, write) over
 * the same topic on the same broker, in one run. Rounds alternate which job runs first; the figure is the median
 * of the rounds' ratios (each ratio from two jobs run back to back).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar org.streamlearn.bench.e2e.LearnRateGoal
 *     [events=1000000] [rounds=3] [features=20] [optimizer=adam] [layouts=1x1,16x4] [svc.key=value ...]</pre>
 */
public final class LearnRateGoal {

    private LearnRateGoal() {
    }

    /** Runs the figure; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.of("events", "1000000", "rounds", "3", "features", "20",
                "optimizer", "adam", "layouts", "1x1,16x4", "guarantee", StreamsConfig.EXACTLY_ONCE_V2));
        System.out.println("learn rate vs pass-through: " + a + ", load average " + GoalTable.load());
        int events = a.integer("events");
        Path work = Files.createTempDirectory("streamlearn-learnrate");
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
                            TopicSpec.of(Jobs.PASS_OUTPUT, partitions)));
                }
                Jobs.produce(bootstrap, input, events, models, a.integer("features"), false);
                Rounds rounds = new Rounds();
                for (int r = 1; r <= a.integer("rounds"); r++) {
                    String id = layout + "-" + r;
                    Rounds.Job pass = () -> Jobs.passThrough(bootstrap, input, events, a.get("guarantee"),
                            work.resolve("pass-" + id), "pass-" + id);
                    Rounds.Job learn = () -> Jobs.learn(Jobs.serviceConfig(bootstrap, "learn-" + id, input,
                            partitions, a.get("guarantee"), a.get("optimizer"), work.resolve("learn-" + id), -1,
                            a.service()), events, 0).eventsPerSecond();
                    rounds.run(r, layout, "pass-through", pass, "streamlearn", learn);
                }
                double ratio = rounds.medianRatio();
                table.row("events learned/s, " + a.get("guarantee") + ", d = " + a.get("features") + ", " + models
                        + " model(s) on " + partitions + " partition(s)", GoalTable.n(rounds.medianSubject())
                        + " ev/s (median)", "pass-through " + GoalTable.n(rounds.medianBaseline()) + " ev/s (median)",
                        GoalTable.r(ratio) + " (rounds " + rounds.ratios() + ")", ">= 0.8", ratio >= 0.8);
            }
        }
        System.out.println("load average at the end " + GoalTable.load());
        table.print();
    }
}
