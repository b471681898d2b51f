/**
 * The service's metrics, served as {@code GET /metrics} in Prometheus' text format: Micrometer meters
 * registered once at start-up ({@link org.streamlearn.app.metrics.ServiceMetrics}), Kafka Streams' own metrics
 * through Micrometer's binder, and the JVM's and process's. The only package that imports Micrometer.
 */
package org.streamlearn.app.metrics;
