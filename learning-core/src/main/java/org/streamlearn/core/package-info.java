/**
 * The learning core of streamlearn: pure maths for online gradient descent, with no Kafka, Jackson or I/O.
 *
 * <p>Entry point: {@link org.streamlearn.core.model.OnlineLearner}, configured by a
 * {@link org.streamlearn.core.model.LearnerConfig}. Conventions (operation order, signs, factors) follow
 * DESIGN.md "Conventions of the maths" and {@code shared/reference/README.md}. {@link org.streamlearn.core.Checks}
 * holds the module's argument checks, whose messages name the spec field.
 */
package org.streamlearn.core;
