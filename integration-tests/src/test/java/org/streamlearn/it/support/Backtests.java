package org.streamlearn.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.streamlearn.app.cli.StreamlearnCli;
import picocli.CommandLine;

/** {@code streamlearn backtest}, run in this JVM through the real command line, as the uninterrupted reference. */
public final class Backtests {

    private Backtests() {
    }

    /**
     * Runs {@code streamlearn backtest --input <lines> --spec <name>=<spec> --out <dir>} and returns the summary's
     * {@code runs[0]} ({@code model} is the final {@code ModelState} JSON, after the final partial mini-batch).
     */
    public static JsonNode run(Path dir, String name, String specJson, List<String> lines) {
        return run(dir, name, specJson, lines, new String[0]);
    }

    /** As {@link #run(Path, String, String, List)}, with more options (e.g. {@code --label-delay N}). */
    public static JsonNode run(Path dir, String name, String specJson, List<String> lines, String... options) {
        try {
            Files.createDirectories(dir);
            Path input = dir.resolve(name + ".jsonl");
            Files.write(input, lines, StandardCharsets.UTF_8);
            Path spec = dir.resolve(name + ".spec.json");
            Files.writeString(spec, specJson, StandardCharsets.UTF_8);
            Path out = dir.resolve("backtest-" + name);
            StringWriter sout = new StringWriter();
            StringWriter serr = new StringWriter();
            CommandLine cli = StreamlearnCli.commandLine();
            cli.setOut(new PrintWriter(sout, true));
            cli.setErr(new PrintWriter(serr, true));
            List<String> args = new java.util.ArrayList<>(List.of("backtest", "--input", input.toString(), "--spec",
                    name + "=" + spec, "--out", out.toString(), "--quiet"));
            args.addAll(List.of(options));
            int code = cli.execute(args.toArray(new String[0]));
            assertThat(code).as("streamlearn backtest exit code; stdout:\n%s\nstderr:\n%s", sout, serr).isZero();
            JsonNode summary = Json.read(out.resolve("summary.json"));
            assertThat(summary.path("invalid").asLong()).as("invalid lines in the backtest input").isZero();
            return summary.get("runs").get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
