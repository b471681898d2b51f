/**
 * Loss functions on the raw score {@code s}: {@code value}, the true derivative {@code dL/ds} (never negated)
 * and the link from score to prediction.
 */
package org.streamlearn.core.loss;
