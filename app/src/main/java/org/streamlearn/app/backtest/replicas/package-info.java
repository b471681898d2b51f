/**
 * The replicas protocol (DESIGN.md "Replicas") simulated in one process for {@code streamlearn backtest
 * --replicas R}: {@link org.streamlearn.app.backtest.replicas.ReplicatedRun} spreads the events over R replicas,
 * each learning with the ordinary path, and merges their rounds with learning-core's
 * {@code org.streamlearn.core.replica}, exactly as the live topology does.
 */
package org.streamlearn.app.backtest.replicas;
