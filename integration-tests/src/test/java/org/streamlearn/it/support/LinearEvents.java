package org.streamlearn.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small JSON-lines file of training events for one model: {@code y = 2x + 1} with {@code x} in 0.0 … 0.9. */
public final class LinearEvents {

    private LinearEvents() {
    }

    /** Writes {@code events} events for {@code model} to {@code file} (for {@code streamlearn produce --input}). */
    public static Path write(Path file, String model, int events) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            double x = (i % 10) / 10.0;
            lines.add(String.format(Locale.ROOT, "{\"model\": \"%s\", \"features\": [%.1f, 1.0], \"label\": %.2f}",
                    model, x, 2 * x + 1));
        }
        try {
            return Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
