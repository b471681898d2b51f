package org.streamlearn.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.streamlearn.app.config.ConfigException;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.demo.StreamGenerator;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.kafka.local.LocalKafkaBroker;
import org.streamlearn.store.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamlearn demo}: a real single-node Kafka broker on 127.0.0.1 (or an existing cluster), the service,
 * and a synthetic labeled stream with a concept drift halfway, with live progress in the terminal and
 * predictions served over HTTP meanwhile. Stops after {@code --events} or on Ctrl-C and removes what it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a real Kafka broker on 127.0.0.1 (no Docker; data in a temporary directory unless"
                + " --data-dir), the streamlearn service and a synthetic labeled stream with a concept drift halfway,"
                + " and shows live progress: events learned, events/s, progressive loss, EWMA loss, model version,"
                + " and a prediction served by the HTTP API.",
                "Stops after --events or on Ctrl-C, and removes everything it started."})
public final class DemoCommand implements Callable<Integer> {

    private static final String MODEL = "demo";

    @Option(names = "--events", defaultValue = "200000", paramLabel = "N",
            description = "events to generate (default: ${DEFAULT-VALUE}); the drift happens at N/2")
    long events;

    @Option(names = "--task", defaultValue = "regression", paramLabel = "TASK",
            description = "regression, binary or multiclass (default: ${DEFAULT-VALUE})")
    String task;

    @Option(names = "--features", defaultValue = "8", paramLabel = "D", description = "feature dimension")
    int features;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "EVENTS_PER_S",
            description = "produce at most this many events per second (0: as fast as possible)")
    long rate;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "use this Kafka cluster instead of starting a local broker")
    String bootstrapServers;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "keep the local broker's data here")
    Path dataDir;

    @Option(names = "--http-port", defaultValue = "0", paramLabel = "PORT",
            description = "HTTP API port (default: any free port)")
    int httpPort;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the synthetic stream")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    private final AtomicBoolean stopping = new AtomicBoolean();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        StreamGenerator.Task t;
        try {
            t = StreamGenerator.Task.valueOf(task.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--task: must be regression, binary or multiclass, got '" + task + "'");
        }
        if (events < 1 || features < 1) {
            throw new CommandLine.ParameterException(command.commandLine(), "--events and --features must be >= 1");
        }
        StreamGenerator gen = new StreamGenerator(t, features, 3, events / 2, 0.1, seed);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopping.set(true);
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "streamlearn-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Path stateDir = Files.createTempDirectory("streamlearn-demo-state");
        LocalKafkaBroker broker = null;
        try {
            String bootstrap = bootstrapServers;
            if (bootstrap == null) {
                out.println("starting a local Kafka broker (KRaft, 127.0.0.1)…");
                out.flush();
                LocalKafkaBroker.Builder b = LocalKafkaBroker.builder();
                if (dataDir != null) {
                    b.dataDir(dataDir);
                }
                broker = b.build().start();
                bootstrap = broker.bootstrapServers();
                out.printf(Locale.ROOT, "broker ready on %s in %.1f s (data: %s)%n", bootstrap,
                        broker.lastStartupTime().toMillis() / 1000.0, broker.dataDir());
            }
            Map<String, String> o = new LinkedHashMap<>();
            o.put("bootstrap.servers", bootstrap);
            o.put("application.id", "streamlearn-demo");
            o.put("state.dir", stateDir.toString());
            o.put("http.port", Integer.toString(httpPort));
            o.put("metrics.interval.ms", "500");
            o.put("metrics.every.events", "100000000");
            o.put("topics.partitions", "1");
            o.put("num.standby.replicas", "0"); // one instance: nowhere to put a standby
            ServiceConfig config;
            try {
                config = ConfigLoader.load(null, Map.of(), o);
            } catch (ConfigException e) {
                command.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
            try (StreamlearnService service = new StreamlearnService(config).start();
                    KafkaProducer<String, byte[]> producer = producer(config)) {
                String url = "http://" + config.httpHost() + ":" + service.http().port();
                producer.send(new ProducerRecord<>(config.topics().modelCommands(), MODEL,
                        ("{\"command\":\"upsert\",\"spec\":" + gen.spec() + "}").getBytes(StandardCharsets.UTF_8)))
                        .get();
                service.awaitRunning(Duration.ofMinutes(2));
                out.printf("service running; dashboard on %s/  (HTTP API: curl -s %s/models/%s)%n", url, url, MODEL);
                out.printf("streaming %,d %s events (%d features, drift at event %,d); Ctrl-C stops%n", events,
                        task, features, events / 2);
                out.flush();
                Thread producing = new Thread(() -> produce(producer, config.topics().trainingEvents(), gen),
                        "demo-producer");
                producing.setDaemon(true);
                producing.start();
                watch(out, config, url, gen);
                producing.interrupt();
            }
        } finally {
            if (broker != null) {
                out.println("stopping the local broker…");
                out.flush();
                broker.close();
            }
            deleteTree(stateDir);
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        out.println("done: everything the demo started is stopped and its temporary data removed.");
        out.flush();
        return 0;
    }

    private static KafkaProducer<String, byte[]> producer(ServiceConfig config) {
        Map<String, Object> p = config.kafkaClients().producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
        return new KafkaProducer<>(p, new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    private void produce(KafkaProducer<String, byte[]> producer, String topic, StreamGenerator gen) {
        long start = System.nanoTime();
        for (long i = 0; i < events && !stopping.get() && !Thread.currentThread().isInterrupted(); i++) {
            producer.send(new ProducerRecord<>(topic, MODEL, gen.next().getBytes(StandardCharsets.UTF_8)));
            if (rate > 0) {
                long due = start + (long) ((i + 1) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
        producer.flush();
    }

    /** Follows model-metrics and prints one status line until every event is learned or Ctrl-C. */
    private void watch(PrintWriter out, ServiceConfig config, String url, StreamGenerator gen) {
        Map<String, Object> p = config.kafkaClients().consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        boolean terminal = System.console() != null;
        AtomicReference<JsonNode> latest = new AtomicReference<>();
        long start = System.nanoTime();
        long lastPrint = 0;
        long lastSeen = 0;
        long lastT = start;
        double rateNow = 0;
        try (KafkaConsumer<String, byte[]> metrics = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = metrics.partitionsFor(config.topics().modelMetrics()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            metrics.assign(parts);
            metrics.seekToBeginning(parts);
            while (!stopping.get()) {
                for (ConsumerRecord<String, byte[]> r : metrics.poll(Duration.ofMillis(200))) {
                    if (MODEL.equals(r.key())) {
                        try {
                            latest.set(Json.MAPPER.readTree(r.value()));
                        } catch (IOException e) {
                            // not ours
                        }
                    }
                }
                JsonNode m = latest.get();
                long now = System.nanoTime();
                if (m == null || now - lastPrint < (terminal ? 500_000_000L : 2_000_000_000L)) {
                    continue;
                }
                lastPrint = now;
                long seen = m.get("seen").asLong();
                if (now - lastT > 900_000_000L) {
                    rateNow = (seen - lastSeen) / ((now - lastT) / 1e9);
                    lastSeen = seen;
                    lastT = now;
                }
                String line = String.format(Locale.ROOT,
                        "learned %,d/%,d | %,.0f ev/s | loss %.4g | ewma %.4g | window %.4g | model v%d | %s",
                        seen, events, rateNow, m.path("loss").path("mean").asDouble(),
                        m.path("loss").path("ewma").asDouble(), m.path("loss").path("window").asDouble(),
                        m.path("modelVersion").asLong(), prediction(http, url, gen));
                out.print(terminal ? "\r" + line + "   " : line + System.lineSeparator());
                out.flush();
                if (seen >= events) {
                    break;
                }
            }
        }
        out.println();
        JsonNode m = latest.get();
        if (m != null) {
            out.printf(Locale.ROOT, "final: %,d events learned in %.1f s; progressive %s; EWMA loss %.4g%n",
                    m.get("seen").asLong(), (System.nanoTime() - start) / 1e9, m.path("metric"),
                    m.path("loss").path("ewma").asDouble());
        }
        out.flush();
    }

    /** A prediction of x = (1, 0, …, 0) from the HTTP API, with the true value at the current concept. */
    private String prediction(HttpClient http, String url, StreamGenerator gen) {
        StringBuilder x = new StringBuilder("[1");
        for (int j = 1; j < features; j++) {
            x.append(",0");
        }
        x.append(']');
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/models/" + MODEL + "/predict"))
                    .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"id\":\"demo\",\"features\":" + x + "}")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode p = Json.MAPPER.readTree(r.body());
            if (p.has("error")) {
                return "predict: " + p.get("error").get("reason").asText();
            }
            double[][] w = gen.trueWeights(gen.produced() - 1);
            if (p.has("probabilities")) {
                return String.format(Locale.ROOT, "predict(x=e1) class %d", p.get("prediction").asInt());
            }
            return String.format(Locale.ROOT, "predict(x=e1) %.3f (now true %.3f)", p.get("prediction").asDouble(),
                    w[0][0] + w[0][features]);
        } catch (IOException e) {
            return "predict: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "predict: interrupted";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
