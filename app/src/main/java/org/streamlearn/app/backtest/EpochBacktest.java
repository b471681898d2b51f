package org.streamlearn.app.backtest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.model.InvalidExampleException;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.store.state.ModelState;

/**
 * Training in epochs, the textbook's batch and mini-batch gradient descent beside the online modes: every key's
 * events of the range are held in memory (the only backtest mode that keeps events), then for each
 * configuration and key a fresh model makes {@code epochs} passes over the key's training rows, in order or,
 * with a shuffle seed, in an order drawn per epoch from {@code new Random(seed + epoch)} (the same for every
 * configuration and key, so they compare on equal terms). Each pass ends with the open batch applied: one
 * step per pass under {@code "update": {"mode": "batch"}}, the partial mini-batch otherwise. One epoch in order
 * with mini-batches of 1 is online SGD, bit for bit.
 *
 * <p>{@code holdout} = f keeps the last ⌊f·n⌋ events of each key (n = its events in the range) out of training;
 * after each epoch and at the end every configuration is scored on exactly those rows with the model as it is
 * ({@code OnlineLearner.evaluate}: no learning, no statistic updated). The trace has one line per key and
 * epoch: the mean progressive loss of the pass and the held-out loss. Commands are not replayed here.
 */
public final class EpochBacktest {

    /** How to train: passes, shuffle seed (null: topic order), held-out fraction of each key's tail. */
    public record Plan(int epochs, Long shuffleSeed, double holdout) {
    }

    /** A key's events, in order, and where each stands. */
    private static final class KeyEvents {
        final List<ParsedEvent> events = new ArrayList<>();
        final List<String> where = new ArrayList<>();
    }

    /** What one configuration × key produced. */
    private record Done(KeyedReplay.KeyStats stats, ModelState model, List<String> trace, String failure) {
    }

    private EpochBacktest() {
    }

    /** Reads {@code source} into memory, trains every configuration on every key and writes the outputs. */
    public static void run(List<Configuration> configs, Source source, Backtest.Options o, Plan plan, int threads)
            throws IOException {
        Files.createDirectories(o.out());
        Map<String, KeyEvents> keys = new TreeMap<>();
        Map<String, Long> badByKey = new TreeMap<>();
        long records = 0;
        long events = 0;
        long invalid = 0;
        Progress progress = new Progress(o.progress());
        SourceRecord r;
        while ((r = source.next()) != null) {
            records++;
            String key = r.key() == null ? "" : r.key();
            if (r.command()) {
                continue;
            }
            try {
                ParsedEvent e = EventParser.parseTraining(r.value() == null ? new byte[0] : r.value());
                KeyEvents k = keys.computeIfAbsent(key, x -> new KeyEvents());
                k.events.add(e);
                k.where.add(r.where());
                events++;
                progress.update(events, source.progress(), () -> "reading");
            } catch (InvalidEventException ex) {
                if (!o.skipInvalid()) {
                    throw new Backtest.LineException(r.where(), null, ex);
                }
                invalid++;
                badByKey.merge(key, 1L, Long::sum);
            }
        }
        List<String> names = new ArrayList<>(keys.keySet());
        Done[][] done = new Done[configs.size()][names.size()];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < configs.size(); c++) {
                for (int k = 0; k < names.size(); k++) {
                    int ci = c;
                    int ki = k;
                    futures.add(pool.submit(() -> {
                        done[ci][ki] = train(configs.get(ci), names.get(ki), keys.get(names.get(ki)), plan,
                                o.skipInvalid());
                    }));
                }
            }
            int finished = 0;
            for (Future<?> f : futures) {
                Joined.get(f);
                progress.jobs("runs trained", ++finished, futures.size());
            }
        } finally {
            pool.shutdownNow();
            progress.done(events, invalid);
        }
        for (int c = 0; c < configs.size(); c++) {
            try (BufferedWriter w = Files.newBufferedWriter(o.out().resolve("trace-" + configs.get(c).name()
                    + ".jsonl"), StandardCharsets.UTF_8)) {
                for (int k = 0; k < names.size(); k++) {
                    Done d = done[c][k];
                    if (d.failure() != null) {
                        throw new Backtest.LineException(d.failure().substring(0, d.failure().indexOf('\t')),
                                configs.size() > 1 ? configs.get(c).name() : null,
                                d.failure().substring(d.failure().indexOf('\t') + 1));
                    }
                    d.stats().skipped += badByKey.getOrDefault(names.get(k), 0L);
                    for (String line : d.trace()) {
                        w.write(line);
                        w.newLine();
                    }
                }
            }
        }
        KeyedOutput.write(configs, action -> {
            for (int c = 0; c < configs.size(); c++) {
                for (int k = 0; k < names.size(); k++) {
                    action.accept(new KeyedOutput.Entry(configs.get(c), names.get(k), done[c][k].stats(),
                            done[c][k].model()));
                }
            }
        }, new KeyedOutput.Counts(records, events, 0, invalid), source.name(), o);
    }

    private static Done train(Configuration config, String key, KeyEvents k, Plan plan, boolean skip) {
        ModelState m = ModelState.create(key.isEmpty() ? config.name() : key, config.spec(), 0);
        ExampleEncoder enc = new ExampleEncoder(config.spec());
        KeyedReplay.KeyStats stats = new KeyedReplay.KeyStats();
        int n = k.events.size();
        int held = (int) Math.floor(n * plan.holdout());
        int[] order = new int[n - held];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        boolean[] bad = new boolean[n];
        List<String> trace = new ArrayList<>();
        for (int epoch = 1; epoch <= plan.epochs(); epoch++) {
            if (plan.shuffleSeed() != null) {
                shuffle(order, new Random(plan.shuffleSeed() + epoch));
            }
            double sum = 0;
            long count = 0;
            for (int i : order) {
                if (bad[i]) {
                    continue;
                }
                try {
                    Outcome o = enc.learn(m.learner(), k.events.get(i));
                    sum += o.loss();
                    count++;
                } catch (InvalidEventException ex) {
                    if (!skip) {
                        return new Done(stats, m, trace, k.where.get(i) + "\t" + ex.getMessage());
                    }
                    bad[i] = true;
                    stats.skipped++;
                }
            }
            m.learner().flush();
            stats.events += count;
            ObjectNode t = JsonNodeFactory.instance.objectNode();
            t.put("key", key);
            t.put("epoch", epoch);
            t.put("loss", count == 0 ? Double.NaN : sum / count);
            if (held > 0) {
                ObjectNode h = holdout(m, enc, k, n - held, bad);
                t.put("holdoutLoss", h.path("loss").asDouble(Double.NaN));
            }
            trace.add(t.toString());
        }
        ObjectNode h = holdout(m, enc, k, n - held, bad);
        h.put("epochs", plan.epochs());
        if (plan.shuffleSeed() != null) {
            h.put("shuffleSeed", plan.shuffleSeed());
        }
        stats.holdout = h;
        return new Done(stats, m, trace, null);
    }

    /** Scores the rows from {@code first} on: their count, first position, mean loss and the task's metrics. */
    private static ObjectNode holdout(ModelState m, ExampleEncoder enc, KeyEvents k, int first, boolean[] bad) {
        ProgressiveMetrics pm = new ProgressiveMetrics();
        double sum = 0;
        int rows = 0;
        for (int i = first; i < k.events.size(); i++) {
            ParsedEvent e = k.events.get(i);
            try {
                sum += m.learner().evaluate(enc.features(e), enc.label(e), pm);
                rows++;
            } catch (InvalidEventException | InvalidExampleException ex) {
                bad[i] = true;
            }
        }
        ObjectNode h = JsonNodeFactory.instance.objectNode();
        h.put("rows", rows);
        if (first < k.events.size()) {
            h.put("from", k.where.get(first));
        }
        if (rows > 0) {
            h.put("loss", sum / rows);
            Metrics.into(m.spec().task(), pm, h);
        }
        return h;
    }

    /** Fisher–Yates with {@code rnd}. */
    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
