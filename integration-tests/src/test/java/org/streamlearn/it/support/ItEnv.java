package org.streamlearn.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the integration tests find what they need, from the system properties failsafe passes
 * ({@code integration-tests/pom.xml}), with fallbacks found upwards from the working directory for runs from an IDE.
 */
public final class ItEnv {

    private ItEnv() {
    }

    /** The packaged runnable jar, {@code app/target/streamlearn.jar} (property {@code streamlearn.jar}). */
    public static Path streamlearnJar() {
        Path jar = property("streamlearn.jar").map(Path::of).orElseGet(() -> repoRoot().resolve("app/target/streamlearn.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged jar " + jar + " is missing: build it first (mvn -pl app -am "
                    + "package -DskipTests) or run the ITs through the reactor (mvn verify)");
        }
        return jar.toAbsolutePath().normalize();
    }

    /** The reference data folder, {@code testdata/reference} (property {@code streamlearn.reference}). */
    public static Path reference() {
        return property("streamlearn.reference").map(Path::of).orElseGet(() -> repoRoot().resolve("testdata/reference"))
                .toAbsolutePath().normalize();
    }

    /** A fresh directory for one test's files under {@code target/it} (property {@code streamlearn.it.dir}). */
    public static Path workDir(String name) {
        Path base = property("streamlearn.it.dir").map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.dir"), "target", "it"));
        try {
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The external cluster of {@code -Dkafka.bootstrap=host:port}, if set (blank means not set). */
    public static Optional<String> externalBootstrap() {
        return property("kafka.bootstrap");
    }

    /** A system property, absent when unset, blank or an unresolved Maven expression. */
    public static Optional<String> property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            return Optional.empty();
        }
        return Optional.of(v.trim());
    }

    /** The java executable of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A TCP port on the loopback address that was free a moment ago (for a service's {@code http.port}). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repoRoot() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("testdata/reference/cases.json"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root (testdata/reference/cases.json) not found above "
                + System.getProperty("user.dir"));
    }
}
