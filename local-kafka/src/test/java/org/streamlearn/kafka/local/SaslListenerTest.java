package org.streamlearn.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.streamlearn.kafka.local.LocalKafkaBroker.SaslMechanism;

/** A broker with a SASL_PLAINTEXT listener: the right credentials work there, wrong ones are refused. */
class SaslListenerTest {

    @ParameterizedTest
    @EnumSource(SaslMechanism.class)
    void theRightCredentialsAreAcceptedAndWrongOnesRefused(SaslMechanism mechanism) throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().saslListener(mechanism)
                .saslUser("alice", "alice-secret").saslUser("bob", "bob-secret").build().start()) {
            assertThat(broker.saslPort()).isNotIn(broker.port(), broker.controllerPort());
            try (Admin admin = Admin.create(config(broker, broker.saslClientProperties("bob", "bob-secret")))) {
                admin.createTopics(List.of(new NewTopic("sasl-topic", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("sasl-topic");
            }
            try (Admin admin = Admin.create(config(broker, broker.saslClientProperties("alice", "wrong")))) {
                assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            // the PLAINTEXT listener stays, without credentials
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("sasl-topic");
            }
        }
    }

    @Test
    void saslSettingsAreCheckedWhenTheBrokerIsBuilt() {
        assertThatThrownBy(() -> LocalKafkaBroker.builder().saslListener(SaslMechanism.PLAIN).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one user");
        assertThatThrownBy(() -> LocalKafkaBroker.builder().saslUser("alice", "a-secret").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("saslListener");
        assertThatThrownBy(() -> LocalKafkaBroker.builder().saslUser("alice", "has\"quote"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password of SASL user alice");
        LocalKafkaBroker broker = LocalKafkaBroker.builder().saslListener(SaslMechanism.SCRAM_SHA_512)
                .saslUser("alice", "a-secret").build();
        try {
            assertThat(broker.serverProperties().get("listeners")).contains("SASL_PLAINTEXT://127.0.0.1:"
                    + broker.saslPort());
            assertThat(broker.serverProperties()).containsEntry("listener.name.sasl_plaintext.sasl.enabled.mechanisms",
                    "SCRAM-SHA-512");
            assertThat(broker.saslClientProperties("alice", "a-secret")).containsEntry("sasl.mechanism",
                    "SCRAM-SHA-512");
        } finally {
            broker.close();
        }
        assertThatThrownBy(() -> LocalKafkaBroker.builder().build().saslBootstrapServers())
                .isInstanceOf(IllegalStateException.class);
    }

    private static Map<String, Object> config(LocalKafkaBroker broker, Map<String, String> sasl) {
        Map<String, Object> c = new LinkedHashMap<>(sasl);
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslBootstrapServers());
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
        return c;
    }
}
