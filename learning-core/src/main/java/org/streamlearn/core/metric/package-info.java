/**
 * Progressive-validation metrics: whole-stream means ({@link org.streamlearn.core.metric.ProgressiveMetrics})
 * and the rolling loss ({@link org.streamlearn.core.metric.RollingLoss}: running mean, EWMA, fixed window).
 * Their state is saved with the model so that a restored model reports exactly what an uninterrupted one would.
 */
package org.streamlearn.core.metric;
