/**
 * Replicas with periodic parameter averaging (DESIGN.md "Replicas"): the deterministic protocol by which one
 * model learns on many partitions, free of Kafka so that the backtest and the live topology run the same code.
 * {@link org.streamlearn.core.replica.Spreading} says which replica learns an event,
 * {@link org.streamlearn.core.replica.Replica} is one replica's round bookkeeping (report every
 * {@code syncEvery} own updates, adopt the merge of round r when beginning round r + 2),
 * {@link org.streamlearn.core.replica.MergeStep} waits for every replica's report of a round and
 * {@link org.streamlearn.core.replica.ParameterMixing} averages them.
 */
package org.streamlearn.core.replica;
