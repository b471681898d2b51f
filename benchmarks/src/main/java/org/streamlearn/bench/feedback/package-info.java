/**
 * The delayed-label loop measured on a local broker (issue 9): {@link org.streamlearn.bench.feedback.FeedbackLoopDriver}
 * (events/s through predict → remember → label → learn against plain training, in one run) and
 * {@link org.streamlearn.bench.feedback.PendingFootprint} and {@link org.streamlearn.bench.feedback.PendingStoreFootprint}
 * (heap and disk of a million pending predictions, through the service or on the store alone).
 * Plain {@code main} programs, not JMH; the first two start the service in-process on their own broker.
 */
package org.streamlearn.bench.feedback;
