package org.streamlearn.app.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.streamlearn.app.config.ConfigException;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.service.StreamlearnService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamlearn run}: the service against an existing Kafka cluster, until Ctrl-C. */
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
        CountDownLatch stop = new CountDownLatch(1);
        StreamlearnService service = new StreamlearnService(config);
        Thread hook = new Thread(() -> {
            service.close();
            stop.countDown();
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
            service.awaitRunning(Duration.ofMinutes(5));
            out.println("streamlearn: running (Ctrl-C stops)");
            out.flush();
            stop.await();
        } finally {
            service.close();
        }
        return 0;
    }
}
