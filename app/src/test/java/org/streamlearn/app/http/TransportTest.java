package org.streamlearn.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.config.HttpSettings;
import org.streamlearn.store.json.Json;

/**
 * A saturated server answers 503 with Retry-After at once and serves the rest afterwards; slow requests are cut
 * after the request time limit.
 */
class TransportTest {

    @Test
    void whenEveryWorkerAndQueuePlaceIsTakenTheNextRequestGets503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        Router router = new Router().route("GET", "/block", r -> {
            entered.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Responses.json(r.exchange(), 200, Json.MAPPER.createObjectNode().put("ok", true));
        });
        HttpSettings d = HttpSettings.DEFAULT;
        HttpSettings two = new HttpSettings(null, false, d.requestTimeoutMs(), d.responseTimeoutMs(),
                d.idleTimeoutMs(), 2, 0);
        List<Socket> held = new ArrayList<>();
        try (Transport t = Transport.bind("127.0.0.1", 0, two, router)) {
            t.start();
            for (int i = 0; i < 2 + Transport.QUEUE; i++) {
                held.add(request(t.port()));
                if (i == 1) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> entered.get() == 2);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> t.queued() == Transport.QUEUE);
            try (Socket extra = request(t.port())) {
                String answer = new String(extra.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: 1");
            }
            release.countDown();
            for (Socket s : held) {
                try (s; InputStream in = s.getInputStream()) {
                    assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
                }
            }
        }
    }

    /**
     * A request whose headers, or whose body, arrive too slowly is cut after the request time limit (1 s here), even
     * when bytes keep trickling in; a connection that is idle between requests is not (its limit is the idle one).
     */
    @Test
    void aSlowRequestIsCutAfterTheRequestTimeoutAndAnIdleConnectionIsNot() throws Exception {
        HttpSettings d = HttpSettings.DEFAULT;
        HttpSettings oneSecond = new HttpSettings(null, false, 1000, d.responseTimeoutMs(), 30_000, 2, 0);
        Router router = new Router().route("POST", "/echo", r -> Responses.json(r.exchange(), 200,
                Json.MAPPER.createObjectNode().put("bytes", r.body().length)));
        try (Transport t = Transport.bind("127.0.0.1", 0, oneSecond, router)) {
            t.start();
            long opened = System.nanoTime();
            try (Socket headers = open(t.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                    Socket body = open(t.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n{");
                    Socket idle = open(t.port(), "")) {
                for (int i = 0; i < 10 && !body.isClosed(); i++) {
                    Thread.sleep(300); // the slow client's pace, not a synchronisation
                    try {
                        body.getOutputStream().write(' ');
                        headers.getOutputStream().write('a');
                    } catch (java.io.IOException cut) {
                        break;
                    }
                }
                assertThat(readToEnd(headers)).as("slow headers cut").doesNotContain("HTTP/1.1 200");
                assertThat(readToEnd(body)).as("slow body cut").doesNotContain("HTTP/1.1 200");
                assertThat(Duration.ofNanos(System.nanoTime() - opened)).isLessThan(Duration.ofSeconds(10));
                idle.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(idle.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                        .as("an idle connection is served after the request time limit").isEqualTo("HTTP/1.1 200");
            }
        }
    }

    private static Socket open(int port, String partial) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static String readToEnd(Socket s) throws Exception {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.net.SocketException reset) {
            return "";
        }
    }

    private static Socket request(int port) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        s.getOutputStream().write("GET /block HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }
}
