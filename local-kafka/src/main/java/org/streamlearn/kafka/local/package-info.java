/**
 * A real single-node Kafka broker on {@code 127.0.0.1}, for {@code streamlearn demo}, the tests
 * and the end-to-end benchmark driver.
 *
 * <p>{@link org.streamlearn.kafka.local.LocalKafkaBroker} runs a KRaft node (broker and controller
 * in one JVM) from the Maven Central jars of {@code kafka_2.13}: no Docker, no download at run
 * time. By default the broker is a child JVM ({@link org.streamlearn.kafka.local.BrokerMain}) that
 * logs to {@code <dataDir>/broker.log} and exits when its parent dies; it can also run in this JVM
 * ({@link org.streamlearn.kafka.local.LocalKafkaBroker.Mode#IN_PROCESS}).
 *
 * <p>This package knows nothing of streamlearn's service: it never depends on {@code app}, and
 * in {@code app} only the demo command uses it (both enforced by the build).
 */
package org.streamlearn.kafka.local;
