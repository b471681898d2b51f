/**
 * The Kafka Streams service: {@link org.streamlearn.app.streams.TopologyFactory} builds the topology (no I/O);
 * {@link org.streamlearn.app.streams.ModelLifecycle} is a model's life as a plain class (creation, commands,
 * learning, publishing cadence, mini-batch timers, predictions), returning
 * {@link org.streamlearn.app.streams.Emissions} and touching no Kafka type;
 * {@link org.streamlearn.app.streams.TrainingProcessor} ({@code training-events}, {@code model-commands}) and
 * {@link org.streamlearn.app.streams.PredictionProcessor} ({@code prediction-requests}) are adapters that parse a
 * record, call the lifecycle and forward what it returns; both share one
 * {@link org.streamlearn.app.streams.ModelStore}, a changelogged key-value store of binary snapshots with a
 * per-task cache of live models written back before every commit, seen by the lifecycle as
 * {@link org.streamlearn.app.streams.LiveModels}.
 */
package org.streamlearn.app.streams;
