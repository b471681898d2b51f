package org.streamlearn.app.backtest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.app.streams.ModelCommand;
import org.streamlearn.app.streams.TopologyFactory;

/**
 * A backtest of a topic, one model per key per configuration ({@link KeyedReplay}): records are read and parsed
 * once, in batches; every configuration's share of the keys (its key's hash modulo the thread count) runs the
 * batch on its own, in parallel, so a key's model sees exactly the records of that key in replay order whatever
 * the number of threads. Trace lines are merged in replay order; summary, CSV and report are written by
 * {@link KeyedOutput}.
 */
public final class KeyedBacktest {

    private static final int BATCH = 4096;

    /** A parsed record of a batch: an event, a command, or what was wrong with it. */
    private record Item(long seq, SourceRecord r, ParsedEvent event, ModelCommand command,
            InvalidEventException bad) {
    }

    /** The first event a share could not use (when not skipping), and the events it rejected. */
    private record Outcome(Item failed, String config, String reason, List<Long> rejected) {
    }

    /** The result: every share of every configuration, and the counts. */
    public record Result(List<KeyedReplay> shares, int threads, long records, long events, long commands,
            long invalid) {
    }

    private KeyedBacktest() {
    }

    /**
     * Replays {@code source} through every configuration with {@code threads} threads and writes the outputs
     * into {@code o.out()}; {@code live} gives the creation policy and limits of the live service.
     *
     * @throws Backtest.LineException at the first unusable event (not skipping), naming where it stands
     */
    public static Result run(List<Configuration> configs, Source source, Backtest.Options o,
            TopologyFactory.Settings live, int threads) throws IOException {
        return run(configs, source, o, live, threads, null);
    }

    /** As {@link #run(List, Source, Backtest.Options, TopologyFactory.Settings, int)}, from a warm start (or null). */
    public static Result run(List<Configuration> configs, Source source, Backtest.Options o,
            TopologyFactory.Settings live, int threads, WarmStart warm) throws IOException {
        Files.createDirectories(o.out());
        List<KeyedReplay> shares = new ArrayList<>();
        for (Configuration c : configs) {
            for (int s = 0; s < threads; s++) {
                KeyedReplay share = new KeyedReplay(c, live, o.traceEvery());
                if (warm != null) {
                    warm.prepare(share, s, threads);
                }
                shares.add(share);
            }
        }
        List<BufferedWriter> traces = new ArrayList<>();
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
        Progress progress = new Progress(o.progress());
        long seq = 0;
        long events = 0;
        long commands = 0;
        long invalid = 0;
        long lastTimestamp = 0;
        try {
            for (Configuration c : configs) {
                traces.add(Files.newBufferedWriter(o.out().resolve("trace-" + c.name() + ".jsonl"),
                        StandardCharsets.UTF_8));
            }
            List<Item> batch = new ArrayList<>(BATCH);
            boolean end = false;
            while (!end) {
                batch.clear();
                Item stop = null;
                SourceRecord r;
                while (batch.size() < BATCH && (r = source.next()) != null) {
                    Item it = parse(seq++, r);
                    lastTimestamp = Math.max(lastTimestamp, r.timestamp());
                    if (r.command()) {
                        commands++;
                    } else if (it.bad() == null) {
                        events++;
                    } else {
                        invalid++;
                        if (!o.skipInvalid()) {
                            stop = it;
                            break;
                        }
                    }
                    batch.add(it);
                }
                end = batch.size() < BATCH;
                Set<Long> rejected = new HashSet<>();
                Outcome first = runBatch(shares, threads, batch, o.skipInvalid(), pool, rejected);
                invalid += rejected.size();
                if (first != null) {
                    throw new Backtest.LineException(first.failed().r().where(),
                            configs.size() > 1 ? first.config() : null, first.reason());
                }
                if (stop != null) {
                    throw new Backtest.LineException(stop.r().where(), null, stop.bad().getMessage());
                }
                writeTraces(shares, threads, traces);
                progress.update(events, source.progress(), () -> "");
            }
            for (KeyedReplay s : shares) {
                s.finish(lastTimestamp, Long.MAX_VALUE);
            }
            writeTraces(shares, threads, traces);
        } finally {
            for (BufferedWriter w : traces) {
                w.close();
            }
            if (pool != null) {
                pool.shutdownNow();
            }
            progress.done(events, invalid);
        }
        Result result = new Result(shares, threads, seq, events, commands, invalid);
        KeyedOutput.write(configs, action -> KeyedOutput.forEach(result, action),
                new KeyedOutput.Counts(seq, events, commands, invalid), source.name(), o);
        return result;
    }

    private static Item parse(long seq, SourceRecord r) {
        try {
            if (r.command()) {
                return new Item(seq, r, null, ModelCommand.parse(r.value()), null);
            }
            return new Item(seq, r, EventParser.parseTraining(r.value() == null ? new byte[0] : r.value()), null,
                    null);
        } catch (InvalidEventException e) {
            return new Item(seq, r, null, null, e);
        }
    }

    private static Outcome runBatch(List<KeyedReplay> shares, int threads, List<Item> batch, boolean skip,
            ExecutorService pool, Set<Long> rejected) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        if (pool == null) {
            for (KeyedReplay s : shares) {
                outcomes.add(runShare(s, 0, 1, batch, skip));
            }
        } else {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < shares.size(); i++) {
                KeyedReplay s = shares.get(i);
                int shard = i % threads;
                futures.add(pool.submit(() -> runShare(s, shard, threads, batch, skip)));
            }
            for (Future<Outcome> f : futures) {
                outcomes.add(Joined.get(f));
            }
        }
        Outcome first = null;
        for (Outcome out : outcomes) {
            rejected.addAll(out.rejected());
            if (out.failed() != null && (first == null || out.failed().seq() < first.failed().seq())) {
                first = out;
            }
        }
        return first;
    }

    /** Runs one share over the batch's records of its keys; stops at the first rejected event unless skipping. */
    private static Outcome runShare(KeyedReplay s, int shard, int shards, List<Item> batch, boolean skip) {
        List<Long> rejected = new ArrayList<>();
        for (Item it : batch) {
            String key = it.r().key();
            if (shards > 1 && Math.floorMod(key == null ? 0 : key.hashCode(), shards) != shard) {
                continue;
            }
            if (it.command() != null) {
                s.command(key, it.command(), it.r().timestamp());
            } else if (it.bad() != null) {
                if (it.r().command()) {
                    s.commandRejected(key);
                } else {
                    s.skip(key);
                }
            } else {
                String reason = s.event(key, it.event(), it.r().timestamp(), it.seq());
                if (reason != null) {
                    rejected.add(it.seq());
                    if (!skip) {
                        return new Outcome(it, s.config().name(), reason, rejected);
                    }
                }
            }
        }
        return new Outcome(null, null, null, rejected);
    }

    private static void writeTraces(List<KeyedReplay> shares, int threads, List<BufferedWriter> traces)
            throws IOException {
        for (int c = 0; c < traces.size(); c++) {
            List<KeyedReplay.Trace> lines = new ArrayList<>();
            for (int s = 0; s < threads; s++) {
                lines.addAll(shares.get(c * threads + s).drainTraces());
            }
            lines.sort(Comparator.comparingLong(KeyedReplay.Trace::seq).thenComparing(KeyedReplay.Trace::line));
            BufferedWriter w = traces.get(c);
            for (KeyedReplay.Trace t : lines) {
                w.write(t.line());
                w.newLine();
            }
        }
    }
}
