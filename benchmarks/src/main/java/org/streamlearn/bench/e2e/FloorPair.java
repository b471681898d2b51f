package org.streamlearn.bench.e2e;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 4's floors side by side: two of the bare JDK {@code HttpServer} ({@code jdk}, {@link FloorServer}), the
 * same handler on Jetty ({@code jetty}, {@link JettyFloorServer}; {@code jetty-handoff}: without reserved threads,
 * so every request is handed from the selector to a pool thread; {@code jetty-nagle}: {@code TCP_NODELAY} off) and a one-thread NIO loop ({@code nio},
 * {@link NioFloorServer}), chosen by {@code servers}, in this JVM, under the same constant-rate client (a JVM of its own each), rate
 * and connections, in alternating slices as {@link HttpLoadGoal} alternates the service and its floor; then the
 * ramp's rates for {@code rampSeconds} each, on both, until both have p99 above 10 ms. No broker, no service: what
 * the server library and this machine cost.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:app/target/streamlearn.jar org.streamlearn.bench.e2e.FloorPair
 *     [rate=1000] [seconds=60] [slices=6] [threads=16] [connections=10] [ramp=2000,4000,6000,8000,10000,12000]
 *     [rampSeconds=10] [servers=jdk,jetty]</pre>
 */
public final class FloorPair {

    /** A prediction's answer as the service writes it (d = 20), the bytes both floors answer with. */
    private static final byte[] ANSWER = ("{\"model\":\"model-0\",\"prediction\":0.4213872951046278,"
            + "\"modelVersion\":2000,\"spec\":{\"features\":20}}").getBytes(StandardCharsets.UTF_8);

    private FloorPair() {
    }

    /** Runs the pair; arguments are {@code key=value}. */
    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.ofEntries(Map.entry("rate", "1000"), Map.entry("seconds", "60"),
                Map.entry("slices", "6"), Map.entry("threads", "16"), Map.entry("connections", "10"),
                Map.entry("ramp", "2000,4000,6000,8000,10000,12000"), Map.entry("rampSeconds", "10"),
                Map.entry("warmupSeconds", "5"), Map.entry("servers", "jdk,jetty")));
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // the JDK floor's TCP_NODELAY
        }
        System.out.println("floor pair: " + a + ", JVM " + ManagementFactory.getRuntimeMXBean().getInputArguments()
                + ", load average " + GoalTable.load());
        String path = "/models/model-0/predict";
        String body = HttpLoadGoal.body(20);
        int threads = a.integer("threads");
        String[] names = a.get("servers").split(",");
        try (AutoCloseable first = server(names[0], threads);
                AutoCloseable second = server(names[1], threads);
                Load onFirst = LoadProcess.start(port(first), path, body, a.integer("connections"));
                Load onSecond = LoadProcess.start(port(second), path, body, a.integer("connections"))) {
            Load[] loads = {onFirst, onSecond};
            int rate = a.integer("rate");
            for (int i = 0; i < 2; i++) {
                System.out.println("warm-up (" + names[i] + "): " + loads[i].run(rate, a.integer("warmupSeconds")));
            }
            ConstantRateClient.Result[] both = HttpLoadGoal.sliced(loads, names, rate, a.integer("seconds"),
                    a.integer("slices"));
            for (int i = 0; i < 2; i++) {
                System.out.println(names[i] + ": " + both[i]);
            }
            System.out.println(String.format(Locale.ROOT, "p99 %s / %s: %.2f, load average %s", names[1], names[0],
                    both[1].p99() / both[0].p99(), GoalTable.load()));
            boolean[] in = {true, true};
            for (String r : a.get("ramp").isEmpty() ? new String[0] : a.get("ramp").split(",")) {
                for (int i = 0; i < 2; i++) {
                    if (in[i]) {
                        ConstantRateClient.Result s = loads[i].run(Integer.parseInt(r), a.integer("rampSeconds"));
                        System.out.println("ramp (" + names[i] + "): " + s + ", load average " + GoalTable.load());
                        in[i] = s.p99() <= 10 && s.errors() == 0;
                    }
                }
                if (!in[0] && !in[1]) {
                    break;
                }
            }
        }
        System.out.println("load average at the end " + GoalTable.load());
    }

    private static AutoCloseable server(String name, int threads) throws java.io.IOException {
        return switch (name) {
            case "jdk" -> FloorServer.start(threads, ANSWER);
            case "jetty" -> JettyFloorServer.start(threads, ANSWER);
            case "jetty-handoff" -> JettyFloorServer.start(threads, ANSWER, 0, true);
            case "jetty-nagle" -> JettyFloorServer.start(threads, ANSWER, -1, false);
            case "nio" -> NioFloorServer.start(ANSWER);
            default -> throw new IllegalArgumentException("servers: two of jdk, jetty, jetty-handoff, jetty-nagle, nio; got " + name);
        };
    }

    private static int port(AutoCloseable server) {
        if (server instanceof FloorServer f) {
            return f.port();
        }
        return server instanceof JettyFloorServer j ? j.port() : ((NioFloorServer) server).port();
    }
}
