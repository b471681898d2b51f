/**
 * Per-coordinate optimizers: an immutable configuration ({@link org.streamlearn.core.optim.Optimizer}, a
 * record) separate from the learned {@link org.streamlearn.core.optim.OptimizerState} (the step count and the
 * slots: velocity, sums of squares, Adam's moments, FTRL's z and n), which is saved with the weights.
 *
 * <p>Every method updates caller-owned arrays in place and allocates nothing.
 */
package org.streamlearn.core.optim;
