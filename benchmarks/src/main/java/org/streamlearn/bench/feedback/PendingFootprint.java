package org.streamlearn.bench.feedback;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.Node;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.app.streams.PendingStore;
import org.streamlearn.app.streams.TopologyFactory;
import org.streamlearn.bench.TempDirs;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * The memory and disk of {@code pending} pending predictions (DESIGN.md "Delayed labels": they live in RocksDB,
 * not on the heap), measured through the service on a local broker: models with feedback are created, the heap
 * is measured (used after a full GC, and the process's resident set), then {@code pending} prediction requests
 * with ids (no labels) are processed and the same is measured again; the service is closed (RocksDB flushed)
 * and the pending stores' RocksDB directories in the state directory, and their changelog topics' log
 * segments on the broker, are summed.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar \
 *     org.streamlearn.bench.feedback.PendingFootprint [pending=1000000] [models=16] [features=20] [partitions=4]</pre>
 */
public final class PendingFootprint {

    private PendingFootprint() {
    }

    /** Runs the measurement; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        Args a = new Args(args, Map.of("pending", "1000000", "models", "16", "features", "20", "partitions", "4"));
        int pending = a.integer("pending");
        int models = a.integer("models");
        System.out.println("pending footprint: " + a);
        String spec = "{\"task\":\"regression\",\"features\":" + a.integer("features") + ",\"optimizer\":{\"type\":"
                + "\"adam\"},\"publishEvery\":10000,\"feedback\":{\"ttlMs\":86400000"
                + ",\"maxPending\":" + pending + "}}";
        Path state = TempDirs.create("streamlearn-pending");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            LoopRig rig = new LoopRig(broker.bootstrapServers(), "pending", a.integer("partitions"));
            long time = System.currentTimeMillis() - 3L * pending; // recent, and never in the future
            try (KafkaProducer<String, byte[]> p = rig.producer()) {
                for (int m = 0; m < models; m++) {
                    LoopRig.send(p, rig.topics.modelCommands(), "model-" + m, time, LoopRig.upsert(spec));
                }
            }
            long[] before;
            long[] after;
            try (StreamlearnService s = new StreamlearnService(rig.config(state))) {
                s.start();
                rig.awaitCommitted(List.of(rig.topics.modelCommands()), models, Duration.ofMinutes(2));
                before = memory();
                StreamGenerator gen = new StreamGenerator(StreamGenerator.Task.REGRESSION, a.integer("features"), 1,
                        Long.MAX_VALUE, 0.1, 1);
                long t0 = System.nanoTime();
                try (KafkaProducer<String, byte[]> p = rig.producer()) {
                    for (int i = 0; i < pending; i++) {
                        String line = gen.next();
                        LoopRig.send(p, rig.topics.predictionRequests(), "model-" + (i % models), ++time,
                                "{\"id\":\"e" + i + "\"," + line.substring(1, line.lastIndexOf(",\"label\":")) + "}");
                    }
                }
                rig.awaitCommitted(List.of(rig.topics.predictionRequests()), pending, Duration.ofMinutes(15));
                System.out.printf(Locale.ROOT, "%,d predictions remembered in %.1f s%n", pending,
                        (System.nanoTime() - t0) / 1e9);
                after = memory();
            }
            long dead = rig.records(rig.topics.deadLetter());
            if (dead != 0) {
                throw new IllegalStateException(dead + " dead letters: not every prediction was remembered; the first: "
                        + rig.firstValues(rig.topics.deadLetter(), 3));
            }
            long disk = rocksDb(state, PendingStore.entriesName(TopologyFactory.STORE))
                    + rocksDb(state, PendingStore.indexName(TopologyFactory.STORE));
            long changelog = changelogBytes(rig);
            System.out.printf(Locale.ROOT, "heap used after GC: %,d → %,d bytes (%+.1f bytes per pending)%n",
                    before[0], after[0], (after[0] - before[0]) / (double) pending);
            System.out.printf(Locale.ROOT, "process resident set: %,d → %,d bytes (%+.1f bytes per pending)%n",
                    before[1], after[1], (after[1] - before[1]) / (double) pending);
            System.out.printf(Locale.ROOT, "RocksDB pending stores on disk: %,d bytes (%.1f bytes per pending)%n",
                    disk, disk / (double) pending);
            System.out.printf(Locale.ROOT, "their changelog topics on the broker: %,d bytes (%.1f bytes per pending)%n",
                    changelog, changelog / (double) pending);
        }
    }

    /** Heap used after a full GC, and the resident set of the process (bytes; -1 where unknown). */
    static long[] memory() throws IOException {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = -1;
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        return new long[] {heap, rss};
    }

    /** The bytes of every file under a RocksDB directory named {@code store} in {@code state}. */
    private static long rocksDb(Path state, String store) throws IOException {
        try (Stream<Path> files = Files.walk(state)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("/rocksdb/" + store + "/"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** The log bytes of the pending stores' changelog topics on the broker. */
    private static long changelogBytes(LoopRig rig) throws Exception {
        String entries = rig.app + "-" + PendingStore.entriesName(TopologyFactory.STORE) + "-changelog";
        String index = rig.app + "-" + PendingStore.indexName(TopologyFactory.STORE) + "-changelog";
        long sum = 0;
        try (Admin admin = rig.admin()) {
            List<Integer> ids = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(ids).allDescriptions().get().values()) {
                for (LogDirDescription d : dirs.values()) {
                    for (Map.Entry<org.apache.kafka.common.TopicPartition, ReplicaInfo> e : d.replicaInfos()
                            .entrySet()) {
                        String t = e.getKey().topic();
                        if (t.equals(entries) || t.equals(index)) {
                            sum += e.getValue().size();
                        }
                    }
                }
            }
        }
        if (sum == 0) {
            throw new IllegalStateException("no changelog named " + entries + " or " + index);
        }
        return sum;
    }
}
