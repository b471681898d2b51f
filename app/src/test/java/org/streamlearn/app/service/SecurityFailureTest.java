package org.streamlearn.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which stream-thread failures stop the service instead of replacing the thread. */
class SecurityFailureTest {

    @Test
    void anAuthenticationOrAuthorizationFailureAnywhereInTheCauseChainIsFatal() {
        SaslAuthenticationException auth = new SaslAuthenticationException("Authentication failed: bad password");
        assertThat(FailureWatch.isFatal(new StreamsException(new KafkaException(auth)))).isTrue();
        GroupAuthorizationException acl = new GroupAuthorizationException("not authorized", "g");
        assertThat(FailureWatch.isFatal(new StreamsException(acl))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(FailureWatch.isFatal(new StreamsException(new TimeoutException("slow")))).isFalse();
        assertThat(FailureWatch.isFatal(new IllegalStateException("bug"))).isFalse();
    }
}
