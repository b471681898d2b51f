package org.streamlearn.app.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.streamlearn.app.events.ModelIds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamlearn predict}: asks a running service's HTTP API for a prediction. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Asks a running streamlearn service (its HTTP API) for a prediction from the freshest model.")
public final class PredictCommand implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
            description = "the service's HTTP API (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--model", required = true, paramLabel = "ID", description = "model id")
    String model;

    @Option(names = "--features", required = true, paramLabel = "JSON|CSV",
            description = "a JSON array or object of features, or comma-separated numbers")
    String features;

    @Option(names = "--id", defaultValue = "cli", paramLabel = "ID", description = "request id")
    String id;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws Exception {
        if (!ModelIds.isValid(model)) {
            throw new CommandLine.ParameterException(command.commandLine(), "--model: not a valid model id: "
                    + ModelIds.problem(model));
        }
        String f = features.trim();
        if (!f.startsWith("[") && !f.startsWith("{")) {
            f = "[" + f + "]";
        }
        String body = "{\"id\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(id) + ",\"features\":" + f
                + "}";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(url + "/models/"
                    + java.net.URLEncoder.encode(model, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                    + "/predict")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            command.commandLine().getErr().println("error: cannot reach " + url + ": " + e.getMessage());
            return 2;
        }
        (r.statusCode() == 200 ? command.commandLine().getOut() : command.commandLine().getErr()).println(r.body());
        return r.statusCode() == 200 ? 0 : 1;
    }
}
