package org.streamlearn.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.config.ConfigLoader;
import org.streamlearn.app.config.ServiceConfig;

/** Which failures end the process, with which reason; and the failover defaults reaching Kafka Streams. */
class FailureWatchTest {

    @Test
    void fatalErrorsStopTheClientWithTheirReasonOthersReplaceTheThread() {
        FailureWatch w = new FailureWatch();
        assertThat(w.handler().handle(new IllegalArgumentException("one bad record")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(w.reason()).isEmpty();
        StreamsException fatal = new StreamsException("task failed",
                new MissingSourceTopicException("One or more source topics were missing"));
        assertThat(w.handler().handle(fatal)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(w.reason()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("fatal Kafka Streams error: StreamsException: task failed")
                .contains("MissingSourceTopicException: One or more source topics were missing"));
        assertThat(w.failure()).isCompletedWithValue(w.reason().get());
        w.fail("a later reason");
        assertThat(w.reason()).hasValueSatisfying(r -> assertThat(r).doesNotContain("later"));
    }

    @Test
    void authenticationAndAuthorizationErrorsAreFatal() {
        assertThat(FailureWatch.isFatal(new StreamsException(new SaslAuthenticationException("bad password"))))
                .isTrue();
        assertThat(FailureWatch.isFatal(new TopicAuthorizationException("denied"))).isTrue();
        assertThat(FailureWatch.isFatal(new OutOfMemoryError())).isTrue();
        assertThat(FailureWatch.isFatal(new StreamsException("transient", new IllegalStateException("x"))))
                .isFalse();
    }

    @Test
    void errorStatesAndUnaskedShutdownsAreFailuresAskedOnesAreNot() {
        FailureWatch error = new FailureWatch();
        error.listener().onChange(State.REBALANCING, State.RUNNING);
        assertThat(error.reason()).isEmpty();
        error.listener().onChange(State.PENDING_ERROR, State.RUNNING);
        assertThat(error.reason()).hasValue("Kafka Streams reached PENDING_ERROR (from RUNNING)");

        FailureWatch unasked = new FailureWatch();
        unasked.listener().onChange(State.PENDING_SHUTDOWN, State.RUNNING);
        assertThat(unasked.reason()).hasValueSatisfying(r -> assertThat(r).startsWith(
                "Kafka Streams shut down on its own (PENDING_SHUTDOWN"));

        FailureWatch asked = new FailureWatch();
        asked.closing();
        asked.listener().onChange(State.PENDING_SHUTDOWN, State.RUNNING);
        asked.listener().onChange(State.NOT_RUNNING, State.PENDING_SHUTDOWN);
        asked.fail("too late");
        assertThat(asked.reason()).isEmpty();
    }

    @Test
    void failoverDefaultsReachStreamsAndCanBeOverridden() {
        ServiceConfig c = ConfigLoader.load(null, Map.of(), Map.of("bootstrap.servers", "h:1"));
        Properties p = StreamlearnService.streamsProperties(c, null);
        assertThat(p).containsEntry("session.timeout.ms", 6_000).containsEntry("heartbeat.interval.ms", 1_500)
                .containsEntry("transaction.timeout.ms", 5_000);
        ServiceConfig alo = ConfigLoader.load(null, Map.of(), Map.of("bootstrap.servers", "h:1",
                "processing.guarantee", "at_least_once"));
        assertThat(StreamlearnService.streamsProperties(alo, null)).doesNotContainKey("transaction.timeout.ms");
        ServiceConfig o = ConfigLoader.load(null, Map.of(), Map.of("bootstrap.servers", "h:1",
                "kafka.session.timeout.ms", "20000"));
        assertThat(StreamlearnService.streamsProperties(o, null)).containsEntry("session.timeout.ms", "20000");
    }
}
