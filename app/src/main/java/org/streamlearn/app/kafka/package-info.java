/**
 * A real single-node Kafka broker for {@code streamlearn demo} and the integration tests, and topic
 * administration.
 *
 * <p>{@link org.streamlearn.app.kafka.LocalKafkaBroker} runs a KRaft node (broker and controller in
 * one JVM) from the Maven Central jars of {@code kafka_2.13}: no Docker, no download at run time.
 * By default the broker is a child JVM ({@link org.streamlearn.app.kafka.BrokerMain}) that logs to
 * {@code <dataDir>/broker.log} and exits when its parent dies. {@link
 * org.streamlearn.app.kafka.TopicAdmin} creates topics idempotently from {@link
 * org.streamlearn.app.kafka.TopicSpec}s.
 */
package org.streamlearn.app.kafka;
