/**
 * The Kafka Streams service: {@link org.streamlearn.app.streams.TopologyFactory} builds the topology (no I/O);
 * {@link org.streamlearn.app.streams.TrainingProcessor} learns from {@code training-events} and applies
 * {@code model-commands}; {@link org.streamlearn.app.streams.PredictionProcessor} answers
 * {@code prediction-requests}; both share one {@link org.streamlearn.app.streams.ModelStore}, a changelogged
 * key-value store of binary snapshots with a per-task cache of live models written back before every commit.
 */
package org.streamlearn.app.streams;
