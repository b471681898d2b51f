package org.streamlearn.app.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.streamlearn.app.config.ConfigException;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.kafka.KafkaClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The Kafka settings of the commands that talk to Kafka without running the service ({@code produce},
 * {@code backtest --topic}): the same {@code --config} file, {@code STREAMLEARN_*} variables and
 * {@code --set key=value} flags as {@code run}, so {@code kafka.security.protocol}, {@code kafka.sasl.*} and
 * {@code kafka.ssl.*} reach their clients as they reach the service's.
 */
final class KafkaClientOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "a streamlearn.properties file, as for run: bootstrap.servers and kafka.* settings"
                    + " (e.g. kafka.security.protocol, kafka.sasl.jaas.config) are used")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "a setting, as for run, e.g. --set kafka.security.protocol=SASL_SSL (repeatable)")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * The Kafka client configuration: defaults, the file, {@code STREAMLEARN_*} variables, {@code --set}, then
     * {@code bootstrapServers} (a flag) if given.
     *
     * @throws CommandLine.ParameterException naming the setting that is missing or wrong
     */
    KafkaClientConfig load(CommandLine commandLine, String bootstrapServers) {
        return service(commandLine, bootstrapServers).kafkaClients();
    }

    /**
     * The whole service configuration, as {@link #load} reads it: {@code backtest} takes the live service's
     * default and seeded specs and model limits from it.
     */
    ServiceConfig service(CommandLine commandLine, String bootstrapServers) {
        Map<String, String> o = new LinkedHashMap<>(settings);
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            o.put("bootstrap.servers", bootstrapServers);
        }
        try {
            return ConfigLoader.load(configFile, System.getenv(), o);
        } catch (ConfigException e) {
            if ("bootstrap.servers".equals(e.setting())) {
                throw new CommandLine.ParameterException(commandLine, "--bootstrap-servers: " + e.getMessage()
                        + " (give --bootstrap-servers, bootstrap.servers in --config, or STREAMLEARN_BOOTSTRAP_SERVERS)");
            }
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }
}
