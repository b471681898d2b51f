package org.streamlearn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.streamlearn.app.backtest.Backtest;
import org.streamlearn.app.backtest.Configuration;
import org.streamlearn.app.backtest.Grid;
import org.streamlearn.app.backtest.KeyedBacktest;
import org.streamlearn.app.backtest.Source;
import org.streamlearn.app.backtest.SourceRecord;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * Event × configuration updates per second of a keyed backtest ({@code KeyedBacktest}, what
 * {@code backtest --topic} runs after reading the topic), at 1 and 2 threads, against a same-run baseline: the
 * learning core doing the same updates (the same parsed events, one {@code OnlineLearner} per key and
 * configuration, no lifecycle, no outputs). Events come from an in-memory source (a ring of 4096 JSON lines, keys
 * round-robin), so Kafka is not measured; the backtest parses each line once, as from a topic. It also reports
 * the largest heap in use after a collection, for the memory bound.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.streamlearn.bench.BacktestBenchmark
 *     [events=1000000] [keys=1000] [features=20] [grid=8] [threads=1,2] [baseline=true]</pre>
 *
 * {@code grid=8}: optimizer.learningRate ∈ {0.001, 0.003, 0.01, 0.03} × optimizer.type ∈ {sgd, adam};
 * {@code grid=4}: the first two rates × both types.
 */
public final class BacktestBenchmark {

    private BacktestBenchmark() {
    }

    /** A source of {@code events} records over {@code keys} keys from a ring of pre-rendered lines. */
    static Source source(int events, int keys, byte[][] ring) {
        String[] names = new String[keys];
        for (int k = 0; k < keys; k++) {
            names[k] = "k" + k;
        }
        return new Source() {
            private int i;

            @Override
            public SourceRecord next() {
                if (i == events) {
                    return null;
                }
                int n = i++;
                return new SourceRecord(names[n % keys], n, false, ring[n % ring.length], "mem@" + n);
            }

            @Override
            public double progress() {
                return (double) i / events;
            }

            @Override
            public String name() {
                return "memory";
            }

            @Override
            public void close() {
            }
        };
    }

    static byte[][] ring(int features, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] w = new double[features];
        for (int j = 0; j < features; j++) {
            w[j] = rnd.nextGaussian() / Math.sqrt(features);
        }
        byte[][] ring = new byte[4096][];
        for (int r = 0; r < ring.length; r++) {
            StringBuilder sb = new StringBuilder("{\"features\":[");
            double y = 0.5 + 0.1 * rnd.nextGaussian();
            for (int j = 0; j < features; j++) {
                double x = rnd.nextGaussian();
                y += w[j] * x;
                sb.append(j == 0 ? "" : ",").append(x);
            }
            ring[r] = sb.append("],\"label\":").append(y).append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
        return ring;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>(Map.of("events", "1000000", "keys", "1000", "features", "20",
                "grid", "8", "threads", "1,2", "baseline", "true"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        int events = Integer.parseInt(a.get("events"));
        int keys = Integer.parseInt(a.get("keys"));
        int d = Integer.parseInt(a.get("features"));
        ModelSpec base = ModelSpecs.parse("{\"task\":\"regression\",\"features\":" + d + ",\"publishEvery\":1000}");
        String rates = a.get("grid").equals("4") ? "0.001,0.003" : "0.001,0.003,0.01,0.03";
        List<Configuration> configs = Grid.expand(List.of(new Configuration("b", base, Map.of())), List.of(
                Grid.parse("optimizer.learningRate=" + rates), Grid.parse("optimizer.type=sgd,adam")));
        byte[][] ring = ring(d, 42);
        TopologyFactory.Settings settings = new TopologyFactory.Settings(Topics.DEFAULT, "store",
                Json.MAPPER.createObjectNode(), Map.of(), 1000, 0, 1000, 1000);
        Path out = Files.createTempDirectory("backtest-bench");
        System.out.printf(Locale.ROOT, "%,d events, %,d keys, d = %d, %d configurations; %d cores, max heap %d MiB%n",
                events, keys, d, configs.size(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        double core = Boolean.parseBoolean(a.get("baseline")) ? baseline(configs, events, keys, ring) : Double.NaN;
        for (String t : a.get("threads").split(",")) {
            int threads = Integer.parseInt(t);
            System.gc();
            long start = System.nanoTime();
            KeyedBacktest.Result result = KeyedBacktest.run(configs, source(events, keys, ring),
                    new Backtest.Options(null, out.resolve("t" + threads), 1000, false, null), settings, threads);
            double secs = (System.nanoTime() - start) / 1e9;
            long retained = usedAfterGc();
            java.lang.ref.Reference.reachabilityFence(result);
            double rate = (double) events * configs.size() / secs;
            System.out.printf(Locale.ROOT, "backtest threads=%d: %.2f s, %,.0f updates/s%s; models retained "
                    + "(heap in use after a GC, results still held) %d MiB%n", threads, secs, rate, Double.isNaN(core) ? ""
                    : String.format(Locale.ROOT, " (%.2f of the core baseline)", rate / core), retained >> 20);
        }
    }

    /** The core alone: parse once, one learner per key and configuration; returns updates/s. */
    static double baseline(List<Configuration> configs, int events, int keys, byte[][] ring) throws IOException {
        List<Map<String, OnlineLearner>> learners = new ArrayList<>();
        List<ExampleEncoder> encoders = new ArrayList<>();
        for (Configuration c : configs) {
            learners.add(new LinkedHashMap<>());
            encoders.add(new ExampleEncoder(c.spec()));
        }
        long start = System.nanoTime();
        try (Source s = source(events, keys, ring)) {
            SourceRecord r;
            while ((r = s.next()) != null) {
                ParsedEvent e = EventParser.parseTraining(r.value());
                for (int c = 0; c < configs.size(); c++) {
                    ModelSpec spec = configs.get(c).spec();
                    OnlineLearner l = learners.get(c).computeIfAbsent(r.key(),
                            k -> org.streamlearn.store.state.ModelState.create(k, spec, 0).learner());
                    encoders.get(c).learn(l, e);
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = (double) events * configs.size() / secs;
        System.out.printf(Locale.ROOT, "core baseline (1 thread): %.2f s, %,.0f updates/s%n", secs, rate);
        return rate;
    }

    private static long usedAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
