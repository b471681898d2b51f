package org.streamlearn.kafka.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft node's storage: formatted with {@code kafka.tools.StorageTool}, in the calling JVM (its
 * {@code execute} entry returns an exit code instead of calling {@code System.exit}), and deleted with its
 * data directory, by {@link LocalKafkaBroker#close()} or, when the parent is gone, by {@link BrokerMain}.
 */
final class KafkaStorage {

    /** The file {@code StorageTool format} writes into every formatted log directory. */
    static final String META_PROPERTIES = "meta.properties";

    private KafkaStorage() {
    }

    /** A fresh cluster id: 16 random bytes, base64url, 22 characters. */
    static String newClusterId() {
        return Uuid.randomUuid().toString();
    }

    /** The metadata log directory of a server configuration: {@code metadata.log.dir}, else the first log dir. */
    static Path metadataLogDir(Properties serverProperties) {
        String dir = serverProperties.getProperty("metadata.log.dir");
        if (dir == null) {
            String dirs = serverProperties.getProperty("log.dirs", serverProperties.getProperty("log.dir"));
            if (dirs == null) {
                throw new LocalKafkaBrokerException("the server properties name no log.dirs");
            }
            dir = dirs.split(",")[0].trim();
        }
        return Path.of(dir);
    }

    /** Whether the metadata log directory of the configuration has been formatted. */
    static boolean isFormatted(Properties serverProperties) {
        return Files.isRegularFile(metadataLogDir(serverProperties).resolve(META_PROPERTIES));
    }

    /**
     * Runs {@code kafka-storage format --standalone -t clusterId -c serverPropertiesFile} unless the
     * storage is already formatted. Returns whether it formatted; the tool's output goes to {@code out}.
     */
    static boolean formatIfNeeded(Path serverPropertiesFile, String clusterId, PrintStream out) {
        return formatIfNeeded(serverPropertiesFile, clusterId, List.of(), out);
    }

    /**
     * As {@link #formatIfNeeded(Path, String, PrintStream)}, adding one {@code --add-scram ENTRY} per entry
     * (e.g. {@code SCRAM-SHA-512=[name=alice,password=secret]}): SCRAM users exist from the first start.
     */
    static boolean formatIfNeeded(Path serverPropertiesFile, String clusterId, List<String> scramEntries,
            PrintStream out) {
        Properties props = load(serverPropertiesFile);
        if (isFormatted(props)) {
            return false;
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (PrintStream stream = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            List<String> args = new ArrayList<>(List.of("format", "--standalone", "-t", clusterId, "-c",
                    serverPropertiesFile.toString()));
            for (String entry : scramEntries) {
                args.add("--add-scram");
                args.add(entry);
            }
            code = kafka.tools.StorageTool.execute(args.toArray(String[]::new), stream);
        } catch (RuntimeException e) {
            // FormatterException, TerseFailure, a configuration error
            throw new LocalKafkaBrokerException("formatting " + metadataLogDir(props) + " failed: " + e
                    + outputSuffix(captured), e);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        out.print(output);
        out.flush();
        if (code != 0) {
            throw new LocalKafkaBrokerException("formatting " + metadataLogDir(props) + " failed with exit code "
                    + code + outputSuffix(captured));
        }
        return true;
    }

    /** Loads a properties file. */
    static Properties load(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new LocalKafkaBrokerException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return props;
    }

    /**
     * Deletes {@code dir} and everything below it; nothing if it does not exist.
     *
     * @throws LocalKafkaBrokerException at the first file that cannot be deleted (the rest is left)
     */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new LocalKafkaBrokerException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String outputSuffix(ByteArrayOutputStream captured) {
        String output = captured.toString(StandardCharsets.UTF_8).strip();
        return output.isEmpty() ? "" : ":\n" + output;
    }
}
