/**
 * The end-to-end throughput driver: the streamlearn service against a Kafka Streams pass-through (read,
 * mapValues, write) on the same local broker, the same events and the same processing guarantee, in one run.
 */
package org.streamlearn.bench.e2e;
