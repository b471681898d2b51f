package org.streamlearn.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ConstantRateClient} in a JVM of its own, as a user's load generator ({@code wrk2}, {@code hey}) would
 * be: its threads, allocation and GC pauses are not the server's (its own small serial-GC heap; the client
 * allocates little per request, so it rarely collects). The parent writes {@code <rate> <seconds>} lines
 * to the child's standard input; the child answers each with a {@code RESULT} line ({@link
 * ConstantRateClient.Result#line()}, with the histogram) and an {@code ERRORS} line (errors by kind so far).
 */
final class LoadProcess implements Load {

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    private String errorKinds = "{}";

    private LoadProcess(Process process) {
        this.process = process;
        this.in = process.outputWriter(StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the child JVM: a client of {@code connections} connections POSTing {@code body} to {@code path}. */
    static LoadProcess start(int port, String path, String body, int connections) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:+UseSerialGC", "-Xms256m", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), LoadProcess.class.getName(), String.valueOf(port), path,
                body, String.valueOf(connections)));
        return new LoadProcess(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** Runs {@code rate} requests/s for {@code seconds} s in the child; its result. */
    @Override
    public ConstantRateClient.Result run(int rate, int seconds) throws IOException {
        in.write(rate + " " + seconds + "\n");
        in.flush();
        ConstantRateClient.Result result = null;
        for (String line; (line = out.readLine()) != null;) {
            if (line.startsWith("RESULT ")) {
                result = ConstantRateClient.Result.parse(line);
            } else if (line.startsWith("ERRORS ")) {
                errorKinds = line.substring("ERRORS ".length());
                return result;
            }
        }
        throw new IOException("the load process ended before answering " + rate + " " + seconds);
    }

    /** Errors so far by kind, as the child printed them. */
    @Override
    public String errorKinds() {
        return errorKinds;
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }

    /** The child: {@code <port> <path> <body> <connections>}, then {@code <rate> <seconds>} lines on stdin. */
    public static void main(String[] args) throws Exception {
        ConstantRateClient client = new ConstantRateClient("127.0.0.1", Integer.parseInt(args[0]), args[1], args[2],
                Integer.parseInt(args[3]));
        PrintStream stdout = System.out;
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null && !line.isBlank();) {
            String[] p = line.trim().split(" ");
            stdout.println(client.run(Integer.parseInt(p[0]), Integer.parseInt(p[1])).line());
            stdout.println("ERRORS " + client.errorKinds());
            stdout.flush();
        }
    }
}
