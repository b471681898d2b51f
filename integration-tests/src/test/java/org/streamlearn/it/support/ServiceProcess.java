package org.streamlearn.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar streamlearn.jar run …} as a separate process, as an operator runs it; standard output and
 * error are appended to a log file (kept under {@code target/it} for diagnosis). {@link #kill()} is
 * {@code kill -9}. A shutdown hook kills a process the test left running, so none outlives the test JVM.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Pattern HTTP_URL = Pattern.compile("HTTP API and dashboard on http://([0-9.]+):(\\d+)/");

    private final Process process;
    private final Path log;
    private final Thread hook;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.hook = new Thread(process::destroyForcibly, "kill-" + log.getFileName());
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts {@code streamlearn run} with {@code --bootstrap-servers}, {@code --application-id},
     * {@code --state-dir}, {@code --http-port -1} (unless the settings name {@code http.port}) and one
     * {@code --set key=value} per setting.
     */
    public static ServiceProcess run(String bootstrap, String applicationId, Path stateDir, Map<String, String> settings,
            Path log) {
        return run(bootstrap, applicationId, stateDir, -1, settings, log);
    }

    /**
     * As {@link #run(String, String, Path, Map, Path)}, with the HTTP API on {@code httpPort} (-1: none) unless the
     * settings name {@code http.port}.
     */
    public static ServiceProcess run(String bootstrap, String applicationId, Path stateDir, int httpPort,
            Map<String, String> settings, Path log) {
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrap, "--application-id",
                applicationId, "--state-dir", stateDir.toString()));
        if (!settings.containsKey("http.port")) {
            args.add("--http-port");
            args.add(String.valueOf(httpPort));
        }
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        return start(args, log);
    }

    /**
     * Waits (at most 120 s) until the service logged its HTTP address and that it is running; fails at once with
     * the log's tail if it exits first.
     *
     * @return the HTTP API's base address
     */
    public URI awaitHttp() {
        AtomicInteger port = new AtomicInteger();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .failFast(() -> assertThat(isAlive()).as(() -> "the service exited:\n" + logTail(40)).isTrue())
                .until(() -> {
                    String text = Files.readString(log, StandardCharsets.UTF_8);
                    Matcher m = HTTP_URL.matcher(text);
                    if (m.find() && text.contains("streamlearn: running")) {
                        port.set(Integer.parseInt(m.group(2)));
                        return true;
                    }
                    return false;
                });
        return URI.create("http://127.0.0.1:" + port.get());
    }

    /** Starts {@code java -jar streamlearn.jar <arguments>} (e.g. {@code run --config file}), logging to {@code log}. */
    public static ServiceProcess start(List<String> arguments, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ItEnv.java());
        cmd.add("-Xmx384m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=info");
        cmd.add("-jar");
        cmd.add(ItEnv.streamlearnJar().toString());
        cmd.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "==== " + Instant.now() + " " + String.join(" ", cmd) + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .start();
            return new ServiceProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** {@code kill -9}: SIGKILL, no shutdown hook, no commit, no clean close; waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor(30);
    }

    /** SIGTERM (the service closes Kafka Streams cleanly); waits up to 60 s, then kills. */
    public void stop() {
        process.destroy();
        if (!waitFor(60)) {
            kill();
        }
    }

    /** SIGTERM, without waiting (see {@link #awaitExit}). */
    public void terminate() {
        process.destroy();
    }

    /** Waits at most {@code timeout} for the process to exit; its exit status, or null if still running. */
    public Integer awaitExit(java.time.Duration timeout) {
        return waitFor(timeout) ? process.exitValue() : null;
    }

    /** Whether its log contains {@code text}. */
    public boolean logContains(String text) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether it is running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Its log file. */
    public Path log() {
        return log;
    }

    /** The last lines of its log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private boolean waitFor(int seconds) {
        return waitFor(java.time.Duration.ofSeconds(seconds));
    }

    private boolean waitFor(java.time.Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down
        }
    }

    /** Closes every process, in order. */
    public static void closeAll(List<ServiceProcess> processes) {
        for (ServiceProcess p : processes) {
            p.close();
        }
    }
}
