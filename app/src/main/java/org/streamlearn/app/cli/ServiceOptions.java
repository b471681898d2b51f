package org.streamlearn.app.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;
import picocli.CommandLine.Option;

/** The service's command-line flags, shared by {@code run} and {@code demo}; they override the config file. */
final class ServiceOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "a streamlearn.properties file")
    Path configFile;

    @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application id")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory")
    Path stateDir;

    @Option(names = "--spec-dir", paramLabel = "DIR",
            description = "<model-id>.json spec files: the specs of those models when their first event arrives")
    Path specDir;

    @Option(names = "--default-spec", paramLabel = "FILE",
            description = "spec template for other new models (features taken from their first event)")
    Path defaultSpec;

    @Option(names = "--partitions", paramLabel = "N", description = "partitions of the topics the app creates")
    Integer partitions;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP API port (0: any free port, -1: none)")
    Integer httpPort;

    @Option(names = "--processing-guarantee", paramLabel = "G", description = "exactly_once_v2 (default) or at_least_once")
    String guarantee;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any other setting (see docs/operations.md)")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The configuration: defaults, then the file, then STREAMLEARN_* variables, then these flags. */
    ServiceConfig load(String bootstrapServers) {
        Map<String, String> o = new LinkedHashMap<>(settings);
        put(o, "bootstrap.servers", bootstrapServers);
        put(o, "application.id", applicationId);
        put(o, "state.dir", stateDir);
        put(o, "spec.dir", specDir);
        put(o, "default.spec.file", defaultSpec);
        put(o, "topics.partitions", partitions);
        put(o, "http.port", httpPort);
        put(o, "processing.guarantee", guarantee);
        return ConfigLoader.load(configFile, System.getenv(), o);
    }

    private static void put(Map<String, String> o, String key, Object v) {
        if (v != null) {
            o.put(key, v.toString());
        }
    }
}
