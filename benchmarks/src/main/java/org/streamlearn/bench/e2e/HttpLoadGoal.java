package org.streamlearn.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.streams.StreamsConfig;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.kafka.TopicSpec;
import org.streamlearn.app.service.StreamlearnService;
import org.streamlearn.bench.TempDirs;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Issue 13, figure 4: HTTP predict ({@code POST /models/model-0/predict}, d = 20, loopback, keep-alive) under a
 * constant load, latency corrected for coordinated omission ({@link ConstantRateClient}): p99 and errors at
 * {@code rate} requests/s for {@code seconds} s over {@code connections} keep-alive connections, then the rates of
 * {@code ramp} for {@code rampSeconds} s each
 * until one has p99 above 10 ms: the highest rate with p99 within 10 ms. The service runs in this JVM; the load
 * generator runs in a JVM of its own ({@link LoadProcess}; {@code client=thread}: in this one, as before).
 *
 * <p>The floor ({@code floor=jetty}, the service's server library, or {@code floor=jdk}; {@code false}: none): in the
 * same run, the same load (a client of its own) on a bare server in this JVM that answers a real prediction's bytes
 * with the same {@code com.sun.net.httpserver} handler ({@link JettyFloorServer}, {@link FloorServer}): what the server and
 * this machine cost before streamlearn's code runs. The main load alternates between the two in {@code slices}
 * slices (merged per server), so that both see the same machine; each ramp step runs on the service, then the
 * floor.
 *
 * <p>The guard for {@code TCP_NODELAY}: with {@code nodelayCheck=true} the driver then runs itself again in a child
 * JVM with {@code -Dstreamlearn.http.nodelay=false} (the transport's switch; {@code TCP_NODELAY} is on unless it is
 * {@code false}) at {@code rate} for {@code checkSeconds} s, and prints both p99s side by side.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar org.streamlearn.bench.e2e.HttpLoadGoal
 *     [rate=1000] [seconds=60] [ramp=2000,4000,6000,8000,10000,12000] [rampSeconds=10] [nodelayCheck=true]
 *     [checkSeconds=15] [connections=10] [client=process] [floor=jetty] [slices=6]
 *     [svc.&lt;setting&gt;=…]</pre>
 */
public final class HttpLoadGoal {

    private static final double RAMP_P99_MS = 10;
    /** The transport's switch for {@code TCP_NODELAY} ({@code Transport.NODELAY}). */
    private static final String NODELAY = "streamlearn.http.nodelay";

    private HttpLoadGoal() {
    }

    /** Runs the figure; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.ofEntries(Map.entry("rate", "1000"), Map.entry("seconds", "60"),
                Map.entry("ramp", "2000,4000,6000,8000,10000,12000"), Map.entry("rampSeconds", "10"),
                Map.entry("nodelayCheck", "true"), Map.entry("checkSeconds", "15"), Map.entry("features", "20"),
                Map.entry("warmupSeconds", "5"), Map.entry("connections", "10"), Map.entry("client", "process"),
                Map.entry("floor", "jetty"), Map.entry("slices", "6")));
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // the JDK floor's TCP_NODELAY
        }
        String nodelay = System.getProperty(NODELAY, "(unset: on)");
        String floorKind = a.get("floor").equals("true") ? "jetty" : a.get("floor");
        System.out.println("http load: " + a + ", " + NODELAY + "=" + nodelay + ", JVM "
                + ManagementFactory.getRuntimeMXBean().getInputArguments() + ", load average " + GoalTable.load());
        int d = a.integer("features");
        Path work = TempDirs.create("streamlearn-http");
        ConstantRateClient.Result main;
        ConstantRateClient.Result floorMain = null;
        List<ConstantRateClient.Result> ramp = new ArrayList<>();
        List<ConstantRateClient.Result> floorRamp = new ArrayList<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
                admin.createTopics(List.of(TopicSpec.of("in-http", 4)));
            }
            Jobs.produce(bootstrap, "in-http", 2000, 1, d, false);
            ServiceConfig c = Jobs.serviceConfig(bootstrap, "http", "in-http", 4, StreamsConfig.EXACTLY_ONCE_V2,
                    "adam", work.resolve("state"), 0, a.service());
            try (StreamlearnService s = new StreamlearnService(c)) {
                s.start();
                Jobs.awaitOffsets(bootstrap, "http", "in-http", 2000, (now, sum) -> { });
                String base = "http://127.0.0.1:" + s.http().port() + "/models/model-0";
                awaitModel(URI.create(base));
                String path = "/models/model-0/predict";
                byte[] answer = predict(URI.create(base + "/predict"), body(d));
                try (AutoCloseable floor = floor(floorKind, c.http().threads(), answer);
                        Load svc = load(a, s.http().port(), path, body(d));
                        Load bare = floor != null ? load(a, port(floor), path, body(d)) : null) {
                    int rate = a.integer("rate");
                    System.out.println("warm-up: " + svc.run(rate, a.integer("warmupSeconds")));
                    if (bare != null) {
                        System.out.println("warm-up (floor): " + bare.run(rate, a.integer("warmupSeconds")));
                    }
                    if (bare == null) {
                        main = svc.run(rate, a.integer("seconds"));
                    } else {
                        ConstantRateClient.Result[] both = sliced(new Load[] {svc, bare},
                                new String[] {"service", "floor"}, rate, a.integer("seconds"), a.integer("slices"));
                        main = both[0];
                        floorMain = both[1];
                        System.out.println("floor: " + floorMain + ", load average " + GoalTable.load());
                    }
                    System.out.println(main.line());
                    System.out.println("service: errors by kind so far: " + svc.errorKinds() + ", load average "
                            + GoalTable.load());
                    for (String r : a.get("ramp").isEmpty() ? new String[0] : a.get("ramp").split(",")) {
                        ConstantRateClient.Result step = svc.run(Integer.parseInt(r), a.integer("rampSeconds"));
                        System.out.println("ramp: " + step + ", load average " + GoalTable.load());
                        ramp.add(step);
                        if (bare != null) {
                            ConstantRateClient.Result f = bare.run(Integer.parseInt(r), a.integer("rampSeconds"));
                            System.out.println("ramp (floor): " + f + ", load average " + GoalTable.load());
                            floorRamp.add(f);
                        }
                        if (step.p99() > RAMP_P99_MS || step.errors() > 0) {
                            break;
                        }
                    }
                }
            }
        }
        GoalTable table = new GoalTable();
        table.row("HTTP predict, " + main.rate() + " req/s for " + main.seconds() + " s, loopback, CO-corrected",
                String.format(Locale.ROOT, "p99 %.2f ms (p50 %.2f, p99.9 %.2f, max %.2f), %d errors of %,d",
                        main.p99(), main.p50(), main.p999(), main.max(), main.errors(), main.requests()),
                "-", "-", "p99 <= 2 ms, no errors", main.p99() <= 2 && main.errors() == 0);
        int highest = highest(ramp, main);
        if (!ramp.isEmpty()) {
            table.row("highest rate with p99 <= 10 ms (steps " + a.get("ramp") + ", " + a.get("rampSeconds")
                    + " s each)",
                    highest + " req/s", "-", "-", "report", true);
        }
        if (floorMain != null) {
            table.row("floor: a bare " + floorKind + " server answering the same bytes, same client, rate and JVM",
                    String.format(Locale.ROOT, "p99 %.2f ms (p50 %.2f, p99.9 %.2f, max %.2f), %d errors",
                            floorMain.p99(), floorMain.p50(), floorMain.p999(), floorMain.max(), floorMain.errors()),
                    String.format(Locale.ROOT, "service: p99 %.2f ms", main.p99()),
                    GoalTable.r(main.p99() / floorMain.p99()), "report (service / floor)", true);
            table.row("floor: highest rate with p99 <= 10 ms", highest(floorRamp, floorMain) + " req/s", "-", "-",
                    "report", true);
        }
        if (a.flag("nodelayCheck")) {
            ConstantRateClient.Result off = withoutNoDelay(a);
            table.row("guard: same load with -D" + NODELAY + "=false", String.format(Locale.ROOT,
                    "p99 %.2f ms (p50 %.2f), %d errors", off.p99(), off.p50(), off.errors()),
                    String.format(Locale.ROOT, "nodelay on: p99 %.2f ms", main.p99()),
                    GoalTable.r(off.p99() / main.p99()), "p99 regresses (ratio > 1)", off.p99() > main.p99());
        }
        System.out.println("load average at the end " + GoalTable.load());
        table.print();
    }

    /**
     * {@code seconds} s of {@code rate} on each of two targets (the service and the floor, or two floors), in
     * {@code slices} alternating slices (first, then second first, …) so that both see the same changes of the
     * machine's load; the slices of each merged.
     */
    static ConstantRateClient.Result[] sliced(Load[] targets, String[] names, int rate, int seconds, int slices)
            throws Exception {
        ConstantRateClient.Result[] merged = new ConstantRateClient.Result[2];
        for (int k = 0; k < slices; k++) {
            for (int j = 0; j < 2; j++) {
                int t = (k + j) % 2;
                ConstantRateClient.Result r = targets[t].run(rate, seconds / slices);
                System.out.println("slice " + (k + 1) + "/" + slices + " " + names[t] + ": " + r
                        + ", load average " + GoalTable.load());
                merged[t] = merged[t] == null ? r : merged[t].merge(r);
            }
        }
        return merged;
    }

    /** The floor server of {@code kind} ({@code jetty} or {@code jdk}), or null for {@code false}. */
    private static AutoCloseable floor(String kind, int threads, byte[] answer) throws IOException {
        return switch (kind) {
            case "jetty" -> JettyFloorServer.start(threads, answer);
            case "jdk" -> FloorServer.start(threads, answer);
            case "false" -> null;
            default -> throw new IllegalArgumentException("floor: jetty, jdk or false, got " + kind);
        };
    }

    private static int port(AutoCloseable floor) {
        return floor instanceof FloorServer f ? f.port() : ((JettyFloorServer) floor).port();
    }

    /** The highest rate of {@code ramp} (else of {@code main}) with p99 within 10 ms and no errors, or 0. */
    private static int highest(List<ConstantRateClient.Result> ramp, ConstantRateClient.Result main) {
        return ramp.stream().filter(r -> r.p99() <= RAMP_P99_MS && r.errors() == 0)
                .mapToInt(ConstantRateClient.Result::rate).max()
                .orElse(main.p99() <= RAMP_P99_MS && main.errors() == 0 ? main.rate() : 0);
    }

    /** The client: in a JVM of its own ({@code client=process}, the default) or in this one ({@code thread}). */
    private static Load load(BenchArgs a, int port, String path, String body) throws IOException {
        return switch (a.get("client")) {
            case "process" -> LoadProcess.start(port, path, body, a.integer("connections"));
            case "thread" -> new ConstantRateClient("127.0.0.1", port, path, body, a.integer("connections"));
            default -> throw new IllegalArgumentException("client: process or thread, got " + a.get("client"));
        };
    }

    /** One prediction's answer (checked to be 200): the bytes the floor server answers with. */
    private static byte[] predict(URI uri, String body) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
        }
        return r.body();
    }

    static String body(int d) {
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder b = new StringBuilder("{\"features\":[");
        for (int j = 0; j < d; j++) {
            b.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", random.nextGaussian()));
        }
        return b.append("]}").toString();
    }

    /** Waits until {@code GET uri} answers 200 (the model is in the store and served). */
    private static void awaitModel(URI uri) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(uri + " not served within 60 s");
    }

    /** Runs this driver in a child JVM with {@code TCP_NODELAY} off, at the same rate, and returns its result. */
    private static ConstantRateClient.Result withoutNoDelay(BenchArgs a) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-D" + NODELAY + "=false", "-cp",
                System.getProperty("java.class.path"), HttpLoadGoal.class.getName(), "rate=" + a.get("rate"),
                "seconds=" + a.get("checkSeconds"), "ramp=", "nodelayCheck=false", "floor=false",
                "client=" + a.get("client"),
                "connections=" + a.get("connections")));
        a.service().forEach((k, v) -> cmd.add("svc." + k + "=" + v));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null;) {
                if (line.startsWith("RESULT ") || line.startsWith("warm-up") || line.startsWith("http load")) {
                    System.out.println("[nodelay=false] " + line.replaceAll(" hist=.*", ""));
                }
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the child run without TCP_NODELAY failed (exit " + p.exitValue() + ")");
        }
        return ConstantRateClient.Result.parse(result);
    }
}
