package org.streamlearn.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The figure-4 client against a real JDK server ({@link FloorServer}): every scheduled request answered, in this
 * JVM and in a child JVM ({@link LoadProcess}), and a result survives the child's {@code RESULT} line and merging.
 */
class ConstantRateClientTest {

    private static final byte[] ANSWER = "{\"prediction\":1.5}".getBytes(StandardCharsets.UTF_8);

    @Test
    void everyScheduledRequestIsAnsweredAndAResultSurvivesItsLineAndMerging() throws Exception {
        try (FloorServer server = FloorServer.start(2, ANSWER)) {
            ConstantRateClient client = new ConstantRateClient("127.0.0.1", server.port(), "/p", "{\"x\":1}", 3);
            ConstantRateClient.Result r = client.run(200, 1);
            assertThat(r.requests()).isEqualTo(200);
            assertThat(r.errors()).isZero();
            assertThat(r.p50()).isPositive().isLessThanOrEqualTo(r.p99());
            ConstantRateClient.Result back = ConstantRateClient.Result.parse(r.line());
            assertThat(back.toString()).isEqualTo(r.toString());
            ConstantRateClient.Result both = r.merge(back);
            assertThat(both.requests()).isEqualTo(400);
            assertThat(both.seconds()).isEqualTo(2);
            assertThat(both.max()).isEqualTo(r.max());
        }
    }

    @Test
    void aClientInAChildJvmReportsItsLoad() throws Exception {
        try (FloorServer server = FloorServer.start(2, ANSWER);
                LoadProcess child = LoadProcess.start(server.port(), "/p", "{\"x\":1}", 2)) {
            ConstantRateClient.Result r = child.run(100, 1);
            assertThat(r.requests()).isEqualTo(100);
            assertThat(r.errors()).isZero();
            assertThat(child.errorKinds()).isEqualTo("{}");
        }
    }
}
