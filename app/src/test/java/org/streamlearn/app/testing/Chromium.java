package org.streamlearn.app.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium ({@code -Dchromium=…}, default {@code /usr/bin/chromium}) for the dashboard tests: the DOM a
 * page has once its scripts ran, and a screenshot. A missing browser fails the test unless
 * {@code -Dchromium.optional=true}, in which case {@link #available()} is false and the caller returns.
 */
public final class Chromium {

    private static final long VIRTUAL_TIME_MS = 8000;

    private Chromium() {
    }

    /** Whether the browser is there; throws when it is not and it is not optional. */
    public static boolean available() {
        if (Files.isExecutable(Path.of(binary()))) {
            return true;
        }
        if (Boolean.getBoolean("chromium.optional")) {
            return false;
        }
        throw new AssertionError("the dashboard tests need Chromium at " + binary()
                + " (apt-get install chromium; .ci/run installs it), or -Dchromium.optional=true");
    }

    /** The serialized DOM of {@code url} after its scripts ran for a few seconds of virtual time. */
    public static String dumpDom(String url) throws IOException, InterruptedException {
        return new String(run(List.of("--dump-dom", url)), StandardCharsets.UTF_8);
    }

    /** A PNG screenshot of {@code url} ({@code width} × {@code height}) written to {@code png}. */
    public static void screenshot(String url, Path png, int width, int height) throws IOException,
            InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", url));
    }

    private static byte[] run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=" + VIRTUAL_TIME_MS));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 60 s: " + cmd);
        }
        return out;
    }

    private static String binary() {
        return System.getProperty("chromium", "/usr/bin/chromium");
    }
}
