package org.streamlearn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The drivers' working directories (state directories, topics' files, spec files): created under the system's
 * temporary directory and deleted when the JVM exits, normally or after an exception, so that runs do not fill
 * the disk (a figure 2 run leaves about 1.5 GB of RocksDB state). A JVM that is killed leaves its directory.
 */
public final class TempDirs {

    private TempDirs() {
    }

    /** A new directory whose name starts with {@code prefix}, deleted with everything in it when the JVM exits. */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "delete " + dir.getFileName()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it, as far as it can. */
    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
