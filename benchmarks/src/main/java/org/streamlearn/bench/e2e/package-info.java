/**
 * The end-to-end drivers of issue 13's goals, each a {@code main} that starts its own local broker (no Docker),
 * measures a figure beside its baseline in the same run and prints the goals table with the ratio:
 * {@link org.streamlearn.bench.e2e.LearnRateGoal} (events learned/s against a Kafka Streams pass-through),
 * {@link org.streamlearn.bench.e2e.ManyModelsGoal} (100,000 models against 16),
 * {@link org.streamlearn.bench.e2e.RestoreGoal} (restart on an empty state directory against reading the
 * changelog) and {@link org.streamlearn.bench.e2e.HttpLoadGoal} (HTTP predict at a constant rate); issue 12's
 * {@link org.streamlearn.bench.e2e.ReplicaRateGoal} (one model learned by R replicas against it unreplicated).
 */
package org.streamlearn.bench.e2e;
