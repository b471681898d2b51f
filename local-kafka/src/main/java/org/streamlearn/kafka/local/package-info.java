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
 * <p>{@code LocalKafkaBroker} is the public face; its parts are package-private, one concern each:
 * <ul>
 *   <li>{@code BrokerSettings}: the builder's settings, checked together, with free ports chosen;
 *   <li>{@code ServerProperties}: {@code server.properties} (listeners, replication factors) and its file;
 *   <li>{@code SaslListener}: the {@code SASL_PLAINTEXT} listener, its JAAS configuration, SCRAM users and
 *       client settings;
 *   <li>{@code BrokerLifecycle}: start, stop, kill, restart, close, the JVM shutdown hook and the deletion of a
 *       temporary data directory;
 *   <li>{@code BrokerNode}: one run of the node, in a child JVM ({@code ChildBrokerProcess}, the launcher,
 *       with {@code BrokerLog}, its log file) or in this JVM ({@code InProcessBroker});
 *   <li>{@code ReadinessProbe}: waiting until a started node serves requests;
 *   <li>{@code KafkaStorage}: formatting and deleting the storage; {@code QuietLogging}: log levels in this JVM.
 * </ul>
 *
 * <p>This package knows nothing of streamlearn's service: it never depends on {@code app}, and
 * in {@code app} only the demo command uses it (both enforced by the build).
 */
package org.streamlearn.kafka.local;
