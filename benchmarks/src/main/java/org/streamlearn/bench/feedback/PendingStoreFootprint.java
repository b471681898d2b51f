package org.streamlearn.bench.feedback;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.streamlearn.app.streams.PendingPrediction;
import org.streamlearn.app.streams.PendingStore;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.bench.TempDirs;

/**
 * The memory and disk of {@code pending} pending predictions in the service's {@link PendingStore}, on the
 * same RocksDB stores Kafka Streams opens for a task (persistent key-value stores, the same names; no changelog
 * here: {@link PendingFootprint} measures the whole service with it, at the cost of a broker). Each prediction is
 * stored as the lifecycle stores a served one: a {@link PendingPrediction} (d dense features, one served score,
 * version and times) under its key, and its expiry in the time-ordered index. Measured: the heap used after a
 * full GC and the process's resident set before and after, the bytes written (what a compacted changelog of
 * the two stores converges to), and the RocksDB directories' size after a flush and close.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar \
 *     org.streamlearn.bench.feedback.PendingStoreFootprint [pending=1000000] [models=16] [features=20]</pre>
 */
public final class PendingStoreFootprint {

    private PendingStoreFootprint() {
    }

    /** Runs the measurement; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        Args a = new Args(args, Map.of("pending", "1000000", "models", "16", "features", "20"));
        int pending = a.integer("pending");
        int models = a.integer("models");
        int d = a.integer("features");
        System.out.println("pending store footprint: " + a);
        Path dir = TempDirs.create("streamlearn-pending-store");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "pending-footprint");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(p, new TaskId(0, 0), dir.toFile());
        KeyValueStore<String, byte[]> entries = open(context, PendingStore.entriesName(TopologyFactory.STORE),
                Serdes.String());
        KeyValueStore<Bytes, byte[]> index = open(context, PendingStore.indexName(TopologyFactory.STORE),
                Serdes.Bytes());
        PendingStore store = PendingStore.over(entries, index);
        long[] before = PendingFootprint.memory();
        SplittableRandom r = new SplittableRandom(1);
        long time = System.currentTimeMillis();
        long ttl = 3_600_000;
        long written = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < pending; i++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = r.nextGaussian();
            }
            PendingPrediction pp = new PendingPrediction(PendingPrediction.PENDING, time + i, time + i + ttl, 1,
                    time + i, new double[] {r.nextGaussian()}, x, null);
            String key = PendingPrediction.key("model-" + (i % models), "e" + i);
            byte[] value = pp.encode();
            store.put(key, value);
            store.expireAt(time + i + ttl, key);
            int k = key.getBytes(StandardCharsets.UTF_8).length;
            written += k + value.length + 8 + k;
        }
        entries.commit(Map.of()); // as a task's commit does: RocksDB flushes its memtables
        index.commit(Map.of());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] after = PendingFootprint.memory();
        entries.close();
        index.close();
        long disk = size(dir.resolve("rocksdb").resolve(PendingStore.entriesName(TopologyFactory.STORE)))
                + size(dir.resolve("rocksdb").resolve(PendingStore.indexName(TopologyFactory.STORE)));
        System.out.printf(Locale.ROOT, "%,d predictions remembered in %.1f s (%,.0f/s)%n", pending, seconds,
                pending / seconds);
        System.out.printf(Locale.ROOT, "heap used after GC: %,d → %,d bytes (%+.1f bytes per pending)%n",
                before[0], after[0], (after[0] - before[0]) / (double) pending);
        System.out.printf(Locale.ROOT, "process resident set: %,d → %,d bytes (%+.1f bytes per pending)%n",
                before[1], after[1], (after[1] - before[1]) / (double) pending);
        System.out.printf(Locale.ROOT, "keys and values written (a compacted changelog's size): %,d bytes "
                + "(%.1f per pending)%n", written, written / (double) pending);
        System.out.printf(Locale.ROOT, "RocksDB directories after flush and close: %,d bytes (%.1f per pending)%n",
                disk, disk / (double) pending);
    }

    private static <K> KeyValueStore<K, byte[]> open(MockProcessorContext<Object, Object> context, String name,
            Serde<K> keys) {
        KeyValueStore<K, byte[]> s = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys,
                Serdes.ByteArray()).withCachingDisabled().withLoggingDisabled().build();
        s.init(context.getStateStoreContext(), s);
        return s;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
