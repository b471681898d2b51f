package org.streamlearn.core.replica;

import org.streamlearn.core.model.LearnerState;

/**
 * The merged model of a round ({@link ParameterMixing#merge}).
 *
 * @param round the round
 * @param state the merged learned state (owned by this record)
 */
public record Merged(long round, LearnerState state) {
}
