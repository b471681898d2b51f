package org.streamlearn.store.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Named;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;

/**
 * The golden snapshots of {@code src/test/resources/golden/}: for every spec of {@link StateCodecTest#specs()},
 * the state after 23 events of a fixed stream, as the JSON codec writes it ({@code <name>.json}, pretty-printed)
 * and as the binary codec writes it for the changelog ({@code <name>.bin.b64}, base64 of the {@code SLM} bytes,
 * 76 characters a line). The tests only compare against these files; they never write them.
 *
 * <p>{@link #main} writes the missing ones (a new golden case; a new schema version whose old files are kept and
 * migrated); {@code --overwrite} rewrites them all, only on purpose. From the repository root:
 *
 * <pre>{@code
 * mvn -B -ntp -q -pl model-store -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt && java -cp "model-store/target/test-classes:model-store/target/classes:$(cat model-store/target/cp.txt)" org.streamlearn.store.state.GoldenFiles model-store/src/test/resources/golden
 * }</pre>
 */
public final class GoldenFiles {

    /** Time of the golden states' creation. */
    static final long CREATED_AT_MS = 1_700_000_000_000L;
    /** Events fed to every golden state. */
    static final int EVENTS = 23;

    private GoldenFiles() {
    }

    /** The golden specs: those of {@link StateCodecTest#specs()}. */
    static List<ModelSpec> specs() {
        return StateCodecTest.specs().map(a -> (ModelSpec) ((Named<?>) a.get()[0]).getPayload()).toList();
    }

    /** The file name of a spec's golden files, without extension: {@code adam}, {@code mlp-adam}. */
    static String name(ModelSpec spec) {
        return (spec.architecture().type().equals("mlp") ? "mlp-" : "") + spec.optimizer().type();
    }

    /** The golden state of a spec, built today: model {@code golden-<name>} after {@value #EVENTS} events. */
    static ModelState state(ModelSpec spec) {
        ModelState m = ModelState.create("golden-" + name(spec), spec, CREATED_AT_MS);
        EventStream.LINEAR.feed(m, 5, EVENTS);
        return m;
    }

    /** The JSON golden text of a state. */
    static String jsonText(ModelState m) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(JsonStateCodec.toJson(m)) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The binary golden text of a state: its {@link BinaryStateCodec} bytes in base64. */
    static String binaryText(ModelState m) {
        return Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(BinaryStateCodec.encode(m)) + "\n";
    }

    /** The bytes of a binary golden text. */
    static byte[] binaryBytes(String text) {
        return Base64.getMimeDecoder().decode(text);
    }

    /** A golden file from the test class path, or null when it is missing. */
    static String resource(String fileName) throws IOException {
        try (InputStream in = GoldenFiles.class.getClassLoader().getResourceAsStream("golden/" + fileName)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes the golden files that are missing from a directory; with {@code --overwrite}, rewrites them all.
     * Existing files are kept by default: a golden file records what an earlier build wrote, and rewriting it
     * would hide exactly the change it is there to catch.
     *
     * @param args the directory, normally {@code model-store/src/test/resources/golden}, then optionally
     *             {@code --overwrite}
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        boolean overwrite = args.length == 2 && args[1].equals("--overwrite");
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !overwrite)) {
            System.err.println("usage: GoldenFiles <directory> [--overwrite]   (directory: "
                    + "model-store/src/test/resources/golden)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (ModelSpec spec : specs()) {
            ModelState m = state(spec);
            write(dir.resolve(name(spec) + ".json"), jsonText(m), overwrite);
            write(dir.resolve(name(spec) + ".bin.b64"), binaryText(m), overwrite);
        }
    }

    private static void write(Path file, String text, boolean overwrite) throws IOException {
        if (Files.exists(file) && !overwrite) {
            System.out.println("kept    " + file);
        } else {
            Files.writeString(file, text);
            System.out.println("wrote   " + file);
        }
    }
}
