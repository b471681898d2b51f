package org.streamlearn.app.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.streamlearn.app.config.ConfigException;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.service.StreamlearnService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamlearn run}: the service against an existing Kafka cluster, until Ctrl-C / SIGTERM (exit status 0
 * after a bounded close) or a fatal failure (Kafka Streams in ERROR or shut down on its own: the reason on standard
 * error, exit status 1).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the streamlearn service against a Kafka cluster: learns from training-events, applies"
                + " model-commands, answers prediction-requests and the HTTP API, until Ctrl-C.",
                "Creates missing topics; refuses to start when the input topics differ in partition count."})
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (or bootstrap.servers in --config, or STREAMLEARN_BOOTSTRAP_SERVERS)")
    String bootstrapServers;

    @Mixin
    ServiceOptions options = new ServiceOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        ServiceConfig config;
        try {
            config = options.load(bootstrapServers);
        } catch (ConfigException e) {
            command.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        // completes with null on SIGTERM / Ctrl-C, or with the reason of a fatal failure
        CompletableFuture<String> end = new CompletableFuture<>();
        StreamlearnService service = new StreamlearnService(config);
        service.failure().onFailure(end::complete);
        Thread hook = new Thread(() -> {
            end.complete(null);
            service.close();
        }, "streamlearn-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            try {
                service.start();
            } catch (StreamlearnService.TopicMismatchException e) {
                command.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
            out.printf("streamlearn: application %s on %s (%s), topics %s%n", config.applicationId(),
                    config.bootstrapServers(), config.processingGuarantee(), config.topics().all());
            if (service.http() != null) {
                out.printf("streamlearn: HTTP API and dashboard on http://%s:%d/%n", config.httpHost(),
                        service.http().port());
            }
            out.flush();
            try {
                service.awaitRunning(Duration.ofMinutes(5));
                out.println("streamlearn: running (Ctrl-C stops)");
                out.flush();
            } catch (IllegalStateException e) {
                end.complete(e.getMessage());
            }
            String reason = end.get();
            if (reason != null) {
                command.commandLine().getErr().println("streamlearn: exiting (status 1): " + reason);
                command.commandLine().getErr().flush();
                return 1;
            }
        } finally {
            service.close();
        }
        return 0;
    }
}
