package org.streamlearn.kafka.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Main class of a child broker JVM: formats the storage if asked and needed, then runs a KRaft node
 * as {@code kafka.Kafka} does ({@code KafkaRaftServer} with a shutdown hook that shuts it down
 * gracefully on SIGTERM or Ctrl-C).
 *
 * <pre>
 * java -cp &lt;classpath&gt; org.streamlearn.kafka.local.BrokerMain [--exit-on-stdin-eof] [--format CLUSTER_ID]
 *      [--add-scram ENTRY]... [--delete-on-stdin-eof DIR] server.properties
 * </pre>
 *
 * <ul>
 *   <li>{@code --exit-on-stdin-eof}: shut down gracefully as soon as standard input reaches end of
 *       file. {@link LocalKafkaBroker} keeps the write end of that pipe open and never writes to
 *       it; the operating system closes it when the parent process dies by any means,
 *       {@code kill -9} included, so a broker never outlives its parent. If that shutdown hangs,
 *       the JVM halts after {@value #HALT_AFTER_MS} ms.
 *   <li>{@code --format CLUSTER_ID}: format an unformatted storage first, in this JVM
 *       ({@code StorageTool format --standalone}); a formatted one is left as it is.
 *   <li>{@code --add-scram ENTRY} (repeatable, with {@code --format}): a SCRAM user created when the
 *       storage is formatted, as {@code StorageTool format --add-scram}, e.g.
 *       {@code SCRAM-SHA-512=[name=alice,password=secret]}.
 *   <li>{@code --delete-on-stdin-eof DIR}: after a shutdown caused by end of input (the parent is
 *       gone and cannot clean up), delete {@code DIR}, the parent's temporary data directory.
 * </ul>
 */
public final class BrokerMain {

    /** How long a shutdown triggered by end of input may take before the JVM halts. */
    static final long HALT_AFTER_MS = 30_000;

    private BrokerMain() {
    }

    /** Runs a broker; see the class comment for the arguments. */
    public static void main(String[] args) {
        boolean exitOnStdinEof = false;
        String clusterId = null;
        Path deleteOnEof = null;
        String propertiesFile = null;
        List<String> scram = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                case "--format" -> clusterId = value(args, ++i, "--format needs a cluster id");
                case "--add-scram" -> scram.add(value(args, ++i, "--add-scram needs an entry"));
                case "--delete-on-stdin-eof" -> deleteOnEof = Path.of(value(args, ++i, "--delete-on-stdin-eof needs a directory"));
                default -> {
                    if (args[i].startsWith("--") || propertiesFile != null) {
                        usage("unexpected argument " + args[i]);
                    }
                    propertiesFile = args[i];
                }
            }
        }
        if (propertiesFile == null) {
            usage("no server.properties given");
        }
        AtomicBoolean parentGone = new AtomicBoolean();
        if (exitOnStdinEof) {
            exitWhenClosed(System.in, parentGone);
        }
        InProcessBroker broker;
        try {
            if (clusterId != null) {
                KafkaStorage.formatIfNeeded(Path.of(propertiesFile), clusterId, scram, System.out);
            }
            broker = new InProcessBroker(KafkaStorage.load(Path.of(propertiesFile)));
        } catch (RuntimeException e) {
            System.err.println("BrokerMain: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Path dirToDelete = deleteOnEof;
        AtomicBoolean stopped = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stopOnce(broker, stopped);
            } finally {
                if (parentGone.get() && dirToDelete != null) {
                    deleteQuietly(dirToDelete);
                }
            }
        }, "kafka-shutdown-hook"));
        try {
            broker.startup();
        } catch (RuntimeException e) {
            stopOnce(broker, stopped);
            // last, after the shutdown's log lines, where the tail of the log shows it
            e.printStackTrace();
            System.err.println("BrokerMain: the broker failed to start: " + e);
            System.exit(1);
        }
        broker.awaitShutdown();
        System.exit(0);
    }

    private static void stopOnce(InProcessBroker broker, AtomicBoolean stopped) {
        if (stopped.compareAndSet(false, true)) {
            try {
                broker.stop();
            } catch (RuntimeException e) {
                System.err.println("BrokerMain: shutdown failed: " + e);
            }
        }
    }

    /** Starts a daemon thread that exits the JVM when {@code in} reaches end of file. */
    static void exitWhenClosed(InputStream in, AtomicBoolean closed) {
        Thread watcher = new Thread(() -> {
            try {
                byte[] ignored = new byte[256];
                while (in.read(ignored) >= 0) {
                    // the parent never writes; anything it does write is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of file
            }
            closed.set(true);
            System.err.println("BrokerMain: standard input closed (the parent process is gone); shutting down");
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(HALT_AFTER_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.err.println("BrokerMain: shutdown took longer than " + HALT_AFTER_MS + " ms; halting");
                Runtime.getRuntime().halt(1);
            }, "broker-main-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(0);
        }, "broker-main-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void deleteQuietly(Path dir) {
        try {
            KafkaStorage.deleteRecursively(dir);
        } catch (RuntimeException e) {
            // the parent may be deleting it too, or a file is still open: leave the rest
        }
    }

    private static String value(String[] args, int i, String problem) {
        if (i >= args.length) {
            usage(problem);
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("BrokerMain: " + problem);
        System.err.println("usage: BrokerMain [--exit-on-stdin-eof] [--format CLUSTER_ID] [--add-scram ENTRY]..."
                + " [--delete-on-stdin-eof DIR] server.properties");
        System.exit(2);
    }
}
