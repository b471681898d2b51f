package org.streamlearn.it.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** External commands (kcat, {@code java -jar}) run to completion, output captured in files. */
public final class Commands {

    /** What a finished command printed. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private Commands() {
    }

    /** An executable found on {@code PATH}. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * kcat on {@code PATH}; without it the test fails saying how to install it, or, with
     * {@code -Dkcat.optional=true} (local runs without kcat), is skipped.
     */
    public static Path kcat() {
        Optional<Path> found = onPath("kcat");
        if (found.isPresent()) {
            return found.get();
        }
        boolean optional = Boolean.parseBoolean(ItEnv.property("kcat.optional").orElse("false"));
        Assumptions.assumeFalse(optional, "kcat is not installed and -Dkcat.optional=true: skipping");
        return fail("kcat is not on PATH. Install the Debian package: apt-get install -y kcat "
                + "(or run with -Dkcat.optional=true to skip this test locally)");
    }

    /** Runs {@code java -Xmx256m -jar streamlearn.jar <args>} in {@code workDir}, waiting up to 120 s. */
    public static Result streamlearn(List<String> args, Path workDir) {
        List<String> cmd = new ArrayList<>(List.of(ItEnv.java(), "-Xmx256m", "-jar",
                ItEnv.streamlearnJar().toString()));
        cmd.addAll(args);
        return run(cmd, null, workDir, Duration.ofSeconds(120));
    }

    /** Runs {@code command} with standard input from {@code stdin} (null: none), waiting up to {@code timeout}. */
    public static Result run(List<String> command, Path stdin, Path workDir, Duration timeout) {
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, "cmd-", ".out");
            Path err = Files.createTempFile(workDir, "cmd-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin.toFile())
                    : ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout + ": " + command + "\nstderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
