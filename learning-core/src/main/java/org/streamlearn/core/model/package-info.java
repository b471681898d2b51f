/**
 * Models and the online learner: {@link org.streamlearn.core.model.Model} (a differentiable map from features
 * to raw scores over a flat parameter vector), {@link org.streamlearn.core.model.LinearModel} (linear,
 * logistic and softmax regression), the configuration {@link org.streamlearn.core.model.LearnerConfig}, the
 * learned {@link org.streamlearn.core.model.LearnerState}, and {@link org.streamlearn.core.model.OnlineLearner},
 * which owns the chain rule, progressive validation, mini-batching and the divergence guard.
 */
package org.streamlearn.core.model;
