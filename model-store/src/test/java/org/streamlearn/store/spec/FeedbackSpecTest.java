package org.streamlearn.store.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.streamlearn.store.spec.ModelSpec.FeedbackSpec;

/** The optional {@code feedback} block (DESIGN.md "Delayed labels"): parse, defaults, write, errors. */
class FeedbackSpecTest {

    private static ModelSpec parse(String singleQuoted) {
        return ModelSpecs.parse(singleQuoted.replace('\'', '"'));
    }

    @Test
    void absentMeansNoFeedbackAndTheJsonIsUnchanged() {
        ModelSpec spec = parse("{'task':'regression','features':3}");
        assertThat(spec.feedback()).isNull();
        assertThat(ModelSpecs.toJsonString(spec)).doesNotContain("feedback");
    }

    @Test
    void emptyBlockTakesEveryDefault() {
        ModelSpec spec = parse("{'task':'binary','features':3,'feedback':{}}");
        assertThat(spec.feedback()).isEqualTo(new FeedbackSpec(3_600_000L, null, 1_000_000L));
        assertThat(spec.feedback().dropOnExpiry()).isTrue();
    }

    @Test
    void roundTripsWithADefaultLabel() {
        ModelSpec spec = parse("{'task':'binary','features':3,'feedback':{'ttlMs':5000,'onExpiry':{'label':false},"
                + "'maxPending':10}}");
        assertThat(spec.feedback()).isEqualTo(new FeedbackSpec(5000, 0.0, 10));
        String json = ModelSpecs.toJsonString(spec);
        assertThat(json).endsWith("\"feedback\":{\"ttlMs\":5000,\"onExpiry\":{\"label\":0.0},\"maxPending\":10}}");
        assertThat(ModelSpecs.parse(json)).isEqualTo(spec);
        ModelSpec drop = parse("{'task':'regression','features':3,'feedback':{'onExpiry':'drop'}}");
        assertThat(ModelSpecs.parse(ModelSpecs.toJsonString(drop))).isEqualTo(drop);
    }

    @Test
    void classNamesResolveToTheirIndex() {
        ModelSpec spec = parse("{'task':'multiclass','features':2,'classes':3,'classNames':['a','b','c'],"
                + "'feedback':{'onExpiry':{'label':'c'}}}");
        assertThat(spec.feedback().expiryLabel()).isEqualTo(2.0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'task':'regression','features':3,'feedback':{'ttl':5}} | feedback.ttl",
        "{'task':'regression','features':3,'feedback':{'ttlMs':0}} | feedback.ttlMs",
        "{'task':'regression','features':3,'feedback':{'ttlMs':'x'}} | feedback.ttlMs",
        "{'task':'regression','features':3,'feedback':{'maxPending':0}} | feedback.maxPending",
        "{'task':'regression','features':3,'feedback':{'onExpiry':'keep'}} | feedback.onExpiry",
        "{'task':'regression','features':3,'feedback':{'onExpiry':3}} | feedback.onExpiry",
        "{'task':'regression','features':3,'feedback':{'onExpiry':{}}} | feedback.onExpiry.label",
        "{'task':'regression','features':3,'feedback':{'onExpiry':{'label':1,'x':2}}} | feedback.onExpiry.x",
        "{'task':'binary','features':3,'feedback':{'onExpiry':{'label':2}}} | feedback.onExpiry.label",
        "{'task':'multiclass','features':3,'classes':3,'feedback':{'onExpiry':{'label':3}}} | feedback.onExpiry.label",
        "{'task':'multiclass','features':3,'classes':3,'feedback':{'onExpiry':{'label':'z'}}} | feedback.onExpiry.label",
        "{'task':'regression','features':3,'feedback':3} | feedback",
    })
    void errorsNameTheField(String spec, String field) {
        assertThatThrownBy(() -> parse(spec)).isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo(field))
                .hasMessageStartingWith(field + ": ");
    }
}
