package org.streamlearn.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Dead-letter categories stay bounded; the per-event counters count and allocate nothing; top-N model series. */
class ServiceMetricsTest {

    @ParameterizedTest
    @CsvSource({"label,label", "features[27],features", "features.width,features", "spec.optimizer.learningRate,spec",
        "gradient,gradient", "key,key", "whatever the parser said,other", "'',other", "labelx,other"})
    void aDeadLetterReasonIsABoundedCategory(String field, String reason) {
        assertThat(ServiceMetrics.reason(field)).isEqualTo(reason);
        assertThat(ServiceMetrics.REASONS).contains(reason);
    }

    @Test
    void countersMoveAndShowInTheExposition() {
        try (ServiceMetrics m = new ServiceMetrics(1)) {
            m.eventLearned();
            m.eventLearned();
            m.eventRejected();
            m.deadLetter("features[3]");
            m.deadLetter("<script>free text</script>");
            m.refusedStep();
            m.refreshModels(2, List.of(new ServiceMetrics.ModelFigures("a", 5, 1, 2, 3),
                    new ServiceMetrics.ModelFigures("b", 9, 4, 5, 6)));
            String text = m.scrape();
            assertThat(text).contains("streamlearn_events_total{outcome=\"learned\"} 2.0")
                    .contains("streamlearn_events_total{outcome=\"rejected\"} 1.0")
                    .contains("streamlearn_dead_letters_total{reason=\"features\"} 1.0")
                    .contains("streamlearn_dead_letters_total{reason=\"other\"} 1.0")
                    .contains("streamlearn_refused_steps_total 1.0")
                    .contains("streamlearn_models 2.0")
                    .contains("streamlearn_model_seen{model=\"b\"} 9.0")
                    .doesNotContain("streamlearn_model_seen{model=\"a\"}")
                    .doesNotContain("free text");
        }
    }

    @Test
    void feedbackSeriesShowForTopModelsWithLabelsOnly() {
        try (ServiceMetrics m = new ServiceMetrics(2)) {
            m.refreshModels(4, List.of(new ServiceMetrics.ModelFigures("a", 5, 1, 2, 3, 0.25, 120, 4500,
                    new ServiceMetrics.FeedbackCounts(7, 11, 13, 17, 19, 23)),
                    new ServiceMetrics.ModelFigures("b", 9, 4, 5, 6),
                    new ServiceMetrics.ModelFigures("c", 1, 4, 5, 6, 0.5, 1, 2,
                            new ServiceMetrics.FeedbackCounts(1, 1, 1, 1, 1, 1))));
            String text = m.scrape();
            assertThat(text).contains("streamlearn_model_served_loss{model=\"a\"} 0.25")
                    .contains("streamlearn_model_label_delay_ms{model=\"a\",quantile=\"0.5\"} 120.0")
                    .contains("streamlearn_model_label_delay_ms{model=\"a\",quantile=\"0.99\"} 4500.0")
                    .contains("streamlearn_model_feedback{count=\"pending\",model=\"a\"} 7.0")
                    .contains("streamlearn_model_feedback{count=\"matched\",model=\"a\"} 11.0")
                    .contains("streamlearn_model_feedback{count=\"expired\",model=\"a\"} 13.0")
                    .contains("streamlearn_model_feedback{count=\"unknown\",model=\"a\"} 17.0")
                    .contains("streamlearn_model_feedback{count=\"rejected\",model=\"a\"} 19.0")
                    .contains("streamlearn_model_feedback{count=\"notRemembered\",model=\"a\"} 23.0")
                    .doesNotContain("streamlearn_model_feedback{count=\"pending\",model=\"b\"}")
                    .doesNotContain("streamlearn_model_served_loss{model=\"b\"}")
                    .doesNotContain("model=\"c\"");
            m.refreshModels(1, List.of(new ServiceMetrics.ModelFigures("b", 9, 4, 5, 6)));
            assertThat(m.scrape()).doesNotContain("streamlearn_model_label_delay_ms{")
                    .doesNotContain("streamlearn_model_feedback{");
        }
    }

    @Test
    void thePerEventCountersAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ServiceMetrics m = new ServiceMetrics(0)) {
            for (int i = 0; i < 200_000; i++) {
                m.eventLearned(); // warm up
            }
            long id = Thread.currentThread().getId();
            // the least of five rounds: a compilation or deoptimization of the loop may allocate a little once
            // (1,360 to 2,264 bytes seen, depending on what ran before), an allocating increment every round
            long least = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                long before = threads.getThreadAllocatedBytes(id);
                for (int i = 0; i < 1_000_000; i++) {
                    m.eventLearned();
                }
                least = Math.min(least, threads.getThreadAllocatedBytes(id) - before);
            }
            assertThat(least).as("bytes allocated by 1,000,000 increments").isLessThan(1024);
        }
    }
}
