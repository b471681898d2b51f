package org.streamlearn.bench.feedback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.bench.TempDirs;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Events per second through the delayed-label loop (DESIGN.md "Delayed labels") against plain training, on one
 * local broker, in one run: the same {@code events} events of the same generator, for the same models and spec,
 * either
 * <ul>
 * <li><b>plain</b>: as training events (features and label together): read, learn, write;</li>
 * <li><b>loop</b>: as a prediction request with an id (predicted, answered on {@code predictions}, remembered in
 * the pending store) and, {@code delay} events later, its label on {@code labels} (joined to the remembered
 * prediction, scored, learned). With {@code source=log} the prediction comes instead as a
 * {@code prediction-log} record, as the HTTP API appends one for each prediction it served (remembered, not
 * predicted again).</li>
 * </ul>
 * Every record is produced before the service starts, with record timestamps that put each label {@code delay}
 * events after its request, so stream-time order is the loop's. Each run is timed from the group's first
 * committed offsets until all its input offsets are committed. A loop event is two input records (request and
 * label); the ratio compares events, i.e. one loop event against one training event. The loop's dead letters
 * must be none (every label matched).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar \
 *     org.streamlearn.bench.feedback.FeedbackLoopDriver [events=200000] [models=16] [features=20] [partitions=4]
 *     [delay=1000] [optimizer=adam] [rounds=2] [source=requests|log]</pre>
 */
public final class FeedbackLoopDriver {

    private static final Duration LIMIT = Duration.ofMinutes(10);

    private FeedbackLoopDriver() {
    }

    /** Runs the comparison; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        Args a = new Args(args, Map.of("events", "200000", "models", "16", "features", "20", "partitions", "4",
                "delay", "1000", "optimizer", "adam", "rounds", "2", "source", "requests"));
        boolean log = switch (a.text("source")) {
            case "requests" -> false;
            case "log" -> true;
            default -> throw new IllegalArgumentException("source: requests or log, got " + a.text("source"));
        };
        int events = a.integer("events");
        int partitions = a.integer("partitions");
        String spec = "{\"task\":\"regression\",\"features\":" + a.integer("features") + ",\"optimizer\":{\"type\":\""
                + a.text("optimizer") + "\"},\"publishEvery\":10000";
        System.out.println("feedback loop: " + a);
        Path work = TempDirs.create("streamlearn-loop");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            List<double[]> results = new ArrayList<>();
            for (int r = 1; r <= a.integer("rounds"); r++) {
                LoopRig plain = new LoopRig(broker.bootstrapServers(), "plain-" + r, partitions);
                produce(plain, a, spec + "}", false);
                double plainRate = run(plain, work.resolve("plain" + r), List.of(plain.topics.trainingEvents()),
                        events);
                LoopRig loop = new LoopRig(broker.bootstrapServers(), "loop-" + r, partitions);
                produce(loop, a, spec + ",\"feedback\":{\"ttlMs\":86400000}}", true);
                double loopRate = run(loop, work.resolve("loop" + r), List.of(log ? loop.topics.predictionLog()
                        : loop.topics.predictionRequests(), loop.topics.labels()), 2L * events) / 2;
                long dead = loop.records(loop.topics.deadLetter());
                if (dead != 0) {
                    throw new IllegalStateException(dead + " records on the loop's dead-letter topic: not every "
                            + "label was matched; the first: " + loop.firstValues(loop.topics.deadLetter(), 3));
                }
                System.out.printf(Locale.ROOT, "round %d: plain training %,.0f ev/s, loop %,.0f ev/s "
                        + "(%,.0f records/s), ratio %.2f%n", r, plainRate, loopRate, 2 * loopRate, loopRate / plainRate);
                results.add(new double[] {plainRate, loopRate});
            }
            double plainBest = results.stream().mapToDouble(x -> x[0]).max().orElse(0);
            double loopBest = results.stream().mapToDouble(x -> x[1]).max().orElse(0);
            System.out.printf(Locale.ROOT, "best: plain training %,.0f ev/s, loop %,.0f ev/s, ratio %.2f%n",
                    plainBest, loopBest, loopBest / plainBest);
        }
    }

    /** Starts the service on {@code rig} and returns its input records per second over {@code inputs}. */
    private static double run(LoopRig rig, Path state, List<String> inputs, long total) throws Exception {
        try (StreamlearnService s = new StreamlearnService(rig.config(state))) {
            s.start();
            return rig.awaitCommitted(inputs, total, LIMIT);
        }
    }

    /**
     * The models' upserts, then the events: as training events, or as requests with ids and labels
     * {@code delay} events later (the rest after the last request), one millisecond of record time per event.
     */
    private static void produce(LoopRig rig, Args a, String spec, boolean loop) {
        int events = a.integer("events");
        int models = a.integer("models");
        int delay = a.integer("delay");
        boolean log = a.text("source").equals("log");
        StreamGenerator gen = new StreamGenerator(StreamGenerator.Task.REGRESSION, a.integer("features"), 1,
                Long.MAX_VALUE, 0.1, 1);
        String[] labels = new String[events];
        long t0 = System.nanoTime();
        long time = System.currentTimeMillis() - 3L * events; // recent, and never in the future
        try (KafkaProducer<String, byte[]> p = rig.producer()) {
            for (int m = 0; m < models; m++) {
                LoopRig.send(p, rig.topics.modelCommands(), "model-" + m, time, LoopRig.upsert(spec));
            }
            for (int i = 0; i < events; i++) {
                String key = "model-" + (i % models);
                String line = gen.next();
                time++;
                if (!loop) {
                    LoopRig.send(p, rig.topics.trainingEvents(), key, time, line);
                    continue;
                }
                int cut = line.lastIndexOf(",\"label\":");
                String features = line.substring(1, cut);
                if (log) { // as the HTTP API logs a prediction it served: the scores of a fresh model
                    LoopRig.send(p, rig.topics.predictionLog(), key, time, "{\"id\":\"e" + i + "\"," + features
                            + ",\"scores\":[0.0],\"modelVersion\":1,\"servedAtMs\":" + time + "}");
                } else {
                    LoopRig.send(p, rig.topics.predictionRequests(), key, time, "{\"id\":\"e" + i + "\"," + features
                            + "}");
                }
                labels[i] = "{\"id\":\"e" + i + "\"" + line.substring(cut);
                if (i >= delay) {
                    sendLabel(p, rig, i - delay, models, time, labels);
                }
            }
            for (int j = Math.max(0, events - delay); loop && j < events; j++) {
                sendLabel(p, rig, j, models, ++time, labels);
            }
        }
        System.out.printf(Locale.ROOT, "%s: produced %,d events in %.1f s%n", rig.app, events,
                (System.nanoTime() - t0) / 1e9);
    }

    private static void sendLabel(KafkaProducer<String, byte[]> p, LoopRig rig, int j, int models, long time,
            String[] labels) {
        LoopRig.send(p, rig.topics.labels(), "model-" + (j % models), time, labels[j]);
        labels[j] = null;
    }
}
