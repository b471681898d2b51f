package org.streamlearn.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.streamlearn.app.events.ModelIds;
import org.streamlearn.app.kafka.KafkaClientConfig;
import org.streamlearn.store.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamlearn produce}: sends a JSON Lines file to a topic, one record per non-blank line, the line's bytes
 * as the value, keyed by {@code --model} or by each line's {@code "model"} field. Acks from all in-sync replicas
 * ({@code acks=all}, idempotent), so a record counted as sent is durable and per-key order is kept.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Sends a JSON Lines file to a Kafka topic: one record per non-blank line, the line as the value,"
                + " keyed by --model or, without it, by each line's \"model\" field (the model id).",
                "Waits for every acknowledgement (acks=all) and prints the count at the end. A line that is not a"
                        + " JSON object with a \"model\" field, when the key comes from it, stops the command before"
                        + " anything is sent, with its line number."})
public final class ProduceCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: bootstrap.servers in --config, or"
                    + " STREAMLEARN_BOOTSTRAP_SERVERS)")
    String bootstrapServers;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC",
            description = "the topic, e.g. training-events, model-commands or prediction-requests")
    String topic;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "a JSON Lines file ('-' for standard input)")
    String input;

    @Option(names = "--model", paramLabel = "ID",
            description = "the record key (model id) of every line; default: each line's \"model\" field")
    String model;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "an extra Kafka producer setting (repeatable); it wins over --config and --set")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @CommandLine.Mixin
    KafkaClientOptions kafkaOptions = new KafkaClientOptions();

    private KafkaClientConfig kafka;

    @Option(names = "--quiet", description = "no progress display")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    /** Thrown for a line that cannot be sent: names the file and the 1-based line number. */
    static final class LineException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LineException(String file, long line, String message) {
            super(file + ":" + line + ": " + message);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        kafka = kafkaOptions.load(command.commandLine(), bootstrapServers);
        if (model != null && model.isEmpty()) {
            throw new CommandLine.ParameterException(command.commandLine(), "--model: must not be empty");
        }
        if (model != null && !ModelIds.isValid(model)) {
            throw new CommandLine.ParameterException(command.commandLine(), "--model: not a valid model id: "
                    + ModelIds.problem(model));
        }
        boolean stdin = "-".equals(input);
        String name = stdin ? "<stdin>" : input;
        if (!stdin && !Files.isRegularFile(Path.of(input))) {
            throw new CommandLine.ParameterException(command.commandLine(), "--input: no such file: " + input);
        }
        if (!stdin && model == null) {
            // keys come from the lines: check every line before anything is sent
            try (BufferedReader in = Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
                long n = 0;
                String line;
                while ((line = in.readLine()) != null) {
                    n++;
                    if (!line.isBlank()) {
                        modelField(line, name, n);
                    }
                }
            } catch (LineException e) {
                err.println("error: " + e.getMessage() + " (nothing was sent)");
                return 2;
            }
        }
        String missing = checkTopic();
        if (missing != null) {
            err.println("error: " + missing);
            return 2;
        }
        long t0 = System.nanoTime();
        AtomicLong acked = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        long sent = 0;
        long lineNo = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig());
                BufferedReader in = stdin
                        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
            Progress progress = new Progress(quiet ? null : err);
            String line;
            while ((line = in.readLine()) != null && failure.get() == null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String key;
                try {
                    key = model != null ? model : modelField(line, name, lineNo);
                } catch (LineException e) {
                    producer.flush();
                    err.println("\nerror: " + e.getMessage() + " (" + acked.get() + " earlier records were sent)");
                    return 2;
                }
                long n = lineNo;
                producer.send(new ProducerRecord<>(topic, key, line.getBytes(StandardCharsets.UTF_8)), (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, name + ":" + n + ": not sent: " + ex);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                sent++;
                progress.update(sent, acked.get(), t0);
            }
            producer.flush();
            progress.done();
        }
        if (failure.get() != null) {
            err.println("error: " + failure.get() + " (" + acked.get() + " records were sent)");
            return 1;
        }
        double secs = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
        out.printf(Locale.ROOT, "produced %d records to %s from %s in %.1f s (%.0f records/s)%n", acked.get(), topic,
                name, secs, acked.get() / secs);
        out.flush();
        return 0;
    }

    /** The {@code "model"} field of a line, or a {@link LineException} saying what is wrong. */
    static String modelField(String line, String file, long lineNo) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new LineException(file, lineNo, "not valid JSON (" + (Json.isTrailingContent(e)
                    ? "unexpected content after the first value" : e.getOriginalMessage().replace('\n', ' '))
                    + "); the record key comes from the line's \"model\" field unless --model is given");
        }
        if (n == null || !n.isObject()) {
            throw new LineException(file, lineNo, "must be a JSON object with a \"model\" field (or give --model)");
        }
        JsonNode m = n.get("model");
        if (m == null || m.isNull()) {
            throw new LineException(file, lineNo, "no \"model\" field: give --model ID, or a \"model\" field on every"
                    + " line");
        }
        if (!m.isTextual() || m.textValue().isEmpty()) {
            throw new LineException(file, lineNo, "\"model\" must be a non-empty string, got "
                    + ModelIds.display(m.toString()));
        }
        String problem = ModelIds.problem(m.textValue());
        if (problem != null) {
            throw new LineException(file, lineNo, "\"model\" is not a valid model id: " + problem);
        }
        return m.textValue();
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(ProducerConfig.ACKS_CONFIG, "all");
        d.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        d.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        d.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        d.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        d.put(ProducerConfig.CLIENT_ID_CONFIG, "streamlearn-produce");
        Map<String, Object> c = kafka.producer(d);
        c.putAll(producerProperties);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return c;
    }

    /** Null when the topic exists, else why not (so that a missing topic is not a minute of silence). */
    private String checkTopic() throws InterruptedException {
        String bootstrapServers = kafka.bootstrapServers();
        Map<String, Object> c = kafka.admin(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
        try (Admin admin = Admin.create(c)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return "topic '" + topic + "' does not exist on " + bootstrapServers + " (streamlearn run creates its"
                        + " topics when it starts; or create it)";
            }
            return "cannot reach Kafka at " + bootstrapServers + ": " + e.getCause();
        } catch (TimeoutException e) {
            return "cannot reach Kafka at " + bootstrapServers + " within 30 s";
        }
    }

    /** A one-line progress display, at most four updates a second. */
    private static final class Progress {
        private final PrintWriter err;
        private long last;
        private boolean shown;

        Progress(PrintWriter err) {
            this.err = err;
        }

        void update(long sent, long acked, long t0) {
            if (err == null || (sent & 1023) != 0) {
                return;
            }
            long now = System.nanoTime();
            if (now - last < Duration.ofMillis(250).toNanos()) {
                return;
            }
            last = now;
            shown = true;
            err.printf(Locale.ROOT, "\r%,d sent, %,d acknowledged, %,.0f records/s   ", sent, acked,
                    sent / Math.max(1e-9, (now - t0) / 1e9));
            err.flush();
        }

        void done() {
            if (shown) {
                err.println();
                err.flush();
            }
        }
    }
}
