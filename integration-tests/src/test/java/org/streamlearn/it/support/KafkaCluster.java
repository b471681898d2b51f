package org.streamlearn.it.support;

/** A Kafka cluster the tests talk to: a local broker, an external cluster or a container. */
public interface KafkaCluster {

    /** {@code host:port[,host:port]}. */
    String bootstrapServers();

    /** What it is, for messages. */
    String description();
}
