package org.streamlearn.bench.e2e;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A restart as users see it: {@code java -jar streamlearn.jar run --config FILE} launched as a child process (the
 * jar found on this JVM's classpath), timed from the launch until its consumer group has committed a given number
 * of input offsets; then stopped with SIGTERM (a clean close that leaves the group).
 */
final class ProcessRestart {

    private ProcessRestart() {
    }

    /**
     * Seconds from launching the service with {@code settings} until it has committed {@code target} offsets of
     * its {@code topic.training-events}; its output goes to {@code log}, whose start-up lines are printed.
     */
    static double firstUpdate(Map<String, String> settings, Path log, long target) throws Exception {
        Path config = log.resolveSibling(log.getFileName() + ".properties");
        Properties p = new Properties();
        p.putAll(settings);
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "RestoreGoal process restart");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar(), "run", "--config", config.toString()));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process child = b.start();
        try {
            long end = Jobs.awaitOffsets(settings.get("bootstrap.servers"), settings.get("application.id"),
                    settings.get("topic.training-events"), target, (now, sum) -> {
                        if (!child.isAlive()) {
                            throw new IllegalStateException("streamlearn run exited with " + child.exitValue()
                                    + ", see " + log);
                        }
                    });
            double seconds = (end - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  process restart: first new update committed %.2f s after the launch%n",
                    seconds);
            return seconds;
        } finally {
            child.destroy();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.contains("start-up:") || line.contains("restores done")) {
                    System.out.println("  process: " + line);
                }
            }
        }
    }

    /** The service's jar on this JVM's classpath. */
    private static String jar() throws IOException {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith("streamlearn.jar")) {
                return entry;
            }
        }
        throw new IOException("streamlearn.jar is not on the classpath (java -cp benchmarks.jar:streamlearn.jar)");
    }
}
