package org.streamlearn.it.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * Resolves a {@link KafkaCluster} parameter (of a test, {@code @BeforeAll} or {@code @BeforeEach} method): the
 * external cluster of {@code -Dkafka.bootstrap=host:port} if set, else a real single-node KRaft broker
 * ({@link LocalKafkaBroker}, a child JVM on a fresh temporary data directory, the same broker as
 * {@code streamlearn demo}). The broker is started once per test JVM, shared by every test class that uses this
 * extension, and stopped when the run ends; tests isolate themselves with unique topic names and application
 * ids ({@link TestIds}).
 */
public final class KafkaFixture implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaFixture.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("cluster", k -> open(), Shared.class);
    }

    /**
     * A builder for a local broker as the fixture makes it: a child JVM whose classpath is the packaged jar (so
     * that it does not depend on how the test JVM was launched).
     */
    public static LocalKafkaBroker.Builder localBroker() {
        return LocalKafkaBroker.builder()
                .childProcess()
                .classpath(ItEnv.streamlearnJar().toString())
                .maxHeap("512m");
    }

    private static Shared open() {
        String external = ItEnv.externalBootstrap().orElse(null);
        if (external != null) {
            return new Shared(external, null);
        }
        LocalKafkaBroker broker = localBroker().build().start();
        return new Shared(broker.bootstrapServers(), broker);
    }

    /** The shared cluster; closed (the local broker stopped) when the root extension context closes. */
    static final class Shared implements KafkaCluster, AutoCloseable {
        private final String bootstrap;
        private final LocalKafkaBroker broker;

        Shared(String bootstrap, LocalKafkaBroker broker) {
            this.bootstrap = bootstrap;
            this.broker = broker;
        }

        @Override
        public String bootstrapServers() {
            return bootstrap;
        }

        @Override
        public String description() {
            return broker == null ? "external cluster " + bootstrap : broker.toString();
        }

        @Override
        public void close() {
            if (broker != null) {
                broker.close();
            }
        }
    }
}
