/**
 * JMH benchmarks of the learning core's per-event path.
 *
 * <p>{@link org.streamlearn.bench.LearnerBenchmark} measures {@link org.streamlearn.core.model.OnlineLearner#learn}
 * (SGD, SGD with standardization, Adam, mini-batch SGD) in events learned per second, each next to a hand-written
 * raw {@code double[]} loop of the same algorithm ({@link org.streamlearn.bench.RawSgd},
 * {@link org.streamlearn.bench.RawStandardizedSgd}, {@link org.streamlearn.bench.RawAdam},
 * {@link org.streamlearn.bench.RawMiniBatchSgd}) in the same run, so that the learner is judged by its ratio to
 * the raw loop rather than by an absolute figure of a shared machine. The raw loops reproduce the learner's
 * arithmetic operation for operation (a test checks they give bit-identical predictions and parameters); what
 * they leave out is the framework: input validation, metrics and the divergence guard.
 * {@link org.streamlearn.bench.SgdOverheadBenchmark} breaks the SGD path's extra cost down piece by piece.
 * Events come from an {@link org.streamlearn.bench.EventRing}, generated before the measurement.
 *
 * <p>Results and the command: {@code docs/benchmarks.md}.
 */
package org.streamlearn.bench;
