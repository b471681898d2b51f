/**
 * Models and the online learner: {@link org.streamlearn.core.model.Model} (a differentiable map from features
 * to raw scores over a flat parameter vector), {@link org.streamlearn.core.model.LinearModel} (linear,
 * logistic and softmax regression), {@link org.streamlearn.core.model.MlpModel} (a multilayer perceptron learned
 * by backpropagation, with {@link org.streamlearn.core.model.Activation activations} and seeded
 * {@link org.streamlearn.core.model.Init initialization}), the configuration {@link org.streamlearn.core.model.LearnerConfig}, the
 * learned {@link org.streamlearn.core.model.LearnerState}, and {@link org.streamlearn.core.model.OnlineLearner},
 * which owns the chain rule, progressive validation, mini-batching and the divergence guard and hands each concern
 * to a package-private collaborator: {@code ExampleValidator}, {@code MetricsRecorder}, {@code MiniBatch},
 * {@code GradientStep}, {@code DivergenceGuard} and {@code FastPaths}.
 */
package org.streamlearn.core.model;
