/**
 * Learning-rate schedules: pure functions {@code lr_k = rateAt(k)} of the number {@code k} of optimizer steps
 * taken before the current one (batch steps in mini-batch mode).
 */
package org.streamlearn.core.schedule;
