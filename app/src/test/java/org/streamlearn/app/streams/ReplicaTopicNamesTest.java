package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.streamlearn.app.config.Topics;

/** The replicas loop's topics are named after the application's training topic, never shared across apps. */
class ReplicaTopicNamesTest {

    private static Topics training(String name) {
        return new Topics(name, "model-commands", "prediction-requests", "model-parameters", "model-metrics",
                "predictions", "dead-letter");
    }

    @Test
    void theDefaultAndAPrefixedTrainingTopicGiveTheLoopTopicsBesideIt() {
        assertThat(ReplicaTopology.events(Topics.DEFAULT)).isEqualTo("replica-events");
        assertThat(ReplicaTopology.reports(Topics.DEFAULT)).isEqualTo("replica-reports");
        assertThat(ReplicaTopology.merged(Topics.DEFAULT)).isEqualTo("replica-merged");
        assertThat(ReplicaTopology.events(training("shop.training-events"))).isEqualTo("shop.replica-events");
    }

    @Test
    void twoApplicationsWithOtherTrainingTopicsNeverShareALoopTopic() {
        Topics a = training("clicks");
        Topics b = training("fraud");
        assertThat(ReplicaTopology.events(a)).isEqualTo("clicks-replica-events");
        assertThat(ReplicaTopology.reports(a)).isEqualTo("clicks-replica-reports");
        assertThat(ReplicaTopology.merged(a)).isEqualTo("clicks-replica-merged");
        assertThat(ReplicaTopology.events(b)).isNotEqualTo(ReplicaTopology.events(a));
        assertThat(ReplicaTopology.reports(b)).isNotEqualTo(ReplicaTopology.reports(a));
        assertThat(ReplicaTopology.merged(b)).isNotEqualTo(ReplicaTopology.merged(a));
    }
}
