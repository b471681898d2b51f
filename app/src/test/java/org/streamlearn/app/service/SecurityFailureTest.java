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
        assertThat(StreamlearnService.securityFailure(new StreamsException(new KafkaException(auth)))).isSameAs(auth);
        GroupAuthorizationException acl = new GroupAuthorizationException("not authorized", "g");
        assertThat(StreamlearnService.securityFailure(new StreamsException(acl))).isSameAs(acl);
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(StreamlearnService.securityFailure(new StreamsException(new TimeoutException("slow")))).isNull();
        assertThat(StreamlearnService.securityFailure(new IllegalStateException("bug"))).isNull();
    }
}
