package org.streamlearn.kafka.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * A child broker's log file, {@code <dataDir>/broker.log}: the child's standard output and error are appended
 * to it, and so are {@link LocalKafkaBroker}'s own {@code ====} lines (the command of each start, a kill after
 * a stop timed out). Every start appends; {@link #size()} before a start marks where that start's lines begin,
 * so that a failure quotes only its own lines ({@link #excerptSince(long)}).
 */
final class BrokerLog {

    /** How many of the last lines a failure quotes. */
    static final int TAIL_LINES = 30;
    /** How many of the first error lines a failure quotes. */
    static final int ERROR_LINES = 10;
    /** How much of the end of the file a failure reads at the most. */
    private static final int MAX_READ_BYTES = 4 * 1024 * 1024;

    private final Path file;

    BrokerLog(Path file) {
        this.file = file;
    }

    /** The log file. */
    Path file() {
        return file;
    }

    /** The file's size in bytes, 0 if it does not exist or cannot be read. */
    long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Appends a line, creating the file if needed.
     *
     * @throws UncheckedIOException if it cannot be written
     */
    void append(String line) {
        try {
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The lines written since {@code fromOffset} (at most the last 4 MiB). */
    List<String> linesSince(long fromOffset) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            raf.seek(Math.min(Math.max(fromOffset, length - MAX_READ_BYTES), length));
            byte[] bytes = new byte[(int) (length - raf.getFilePointer())];
            raf.readFully(bytes);
            return Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    /**
     * What a failure message quotes of the lines since {@code fromOffset}: the first {@value #ERROR_LINES}
     * lines with {@code " ERROR "} or from {@code BrokerMain}, if any, then the last {@value #TAIL_LINES} lines,
     * each section under a {@code ----} heading that names the file.
     */
    String excerptSince(long fromOffset) {
        StringBuilder text = new StringBuilder();
        List<String> lines = linesSince(fromOffset);
        List<String> errors = lines.stream().filter(l -> l.contains(" ERROR ") || l.startsWith("BrokerMain:"))
                .limit(ERROR_LINES).toList();
        if (!errors.isEmpty()) {
            text.append("\n---- first errors in ").append(file).append(" ----\n").append(String.join("\n", errors));
        }
        text.append("\n---- last lines of ").append(file).append(" ----\n")
                .append(String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())));
        return text.toString();
    }
}
