package org.streamlearn.app.backtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a backtest's events come from, in order: a JSON Lines file or a Kafka topic range. */
public interface Source extends AutoCloseable {

    /** The next record, or null at the end. */
    SourceRecord next() throws IOException;

    /** Fraction consumed so far, 0..1. */
    double progress();

    /** A name for the summary ({@code input}). */
    String name();

    @Override
    void close() throws IOException;

    /** A JSON Lines file, blank lines skipped. */
    static Source file(Path path) throws IOException {
        long size = Files.size(path);
        BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        return new Source() {
            private long line;
            private long bytes;

            @Override
            public SourceRecord next() throws IOException {
                String l;
                while ((l = in.readLine()) != null) {
                    line++;
                    bytes += l.length() + 1;
                    if (!l.isBlank()) {
                        return new SourceRecord(null, line, false, l.getBytes(StandardCharsets.UTF_8),
                                path.getFileName() + ":" + line);
                    }
                }
                return null;
            }

            @Override
            public double progress() {
                return size == 0 ? 1.0 : Math.min(1.0, (double) bytes / size);
            }

            @Override
            public String name() {
                return path.toString();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
