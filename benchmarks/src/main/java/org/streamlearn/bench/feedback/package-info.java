/**
 * The delayed-label loop measured on a local broker (issue 9): {@link org.streamlearn.bench.feedback.FeedbackLoopDriver}
 * (events/s through predict → remember → label → learn against plain training, in one run) and
 * {@link org.streamlearn.bench.feedback.PendingFootprint} (heap and disk of a million pending predictions).
 * Plain {@code main} programs, not JMH: each starts the service in-process on its own broker.
 */
package org.streamlearn.bench.feedback;
