package org.streamlearn.store.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;

/** Parameter caps in {@code long}, the spec's upper limits, and snapshot sizes computed from the spec. */
class StateLimitsTest {

    private static ModelSpec parse(String json) {
        return ModelSpecs.parse(json.replace('\'', '"'));
    }

    @Test
    void parameterCountIsALongProductForEveryArchitecture() {
        // 10,000 × (2^24 + 1) = 167,772,170,000: an int product would overflow to a small or negative number
        assertThatThrownBy(() -> parse("{'task':'multiclass','hashBits':24,'classes':10000}"))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("hashBits"))
                .hasMessageContaining("167772170000 parameters");
        assertThatThrownBy(() -> parse("{'task':'multiclass','features':100000,'classes':10000}"))
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("features"))
                .hasMessageContaining("1000010000 parameters");
        assertThat(parse("{'task':'multiclass','features':1000,'classes':300}").parameterCount())
                .isEqualTo(300L * 1001);
        assertThat(parse("{'task':'regression','features':3,'architecture':{'type':'mlp','hidden':[4,2]}}")
                .parameterCount()).isEqualTo(3 * 4 + 4 + 4 * 2 + 2 + 2 + 1);
    }

    @Test
    void classesHiddenAndHashBitsHaveUpperLimitsNamedInTheError() {
        assertThatThrownBy(() -> parse("{'task':'multiclass','features':100000,'classes':1000000}"))
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("classes"))
                .hasMessage("classes: must be <= 10000, got 1000000");
        assertThatThrownBy(() -> parse("{'task':'regression','features':2,'architecture':{'type':'mlp',"
                + "'hidden':[4097]}}")).hasMessageContaining("architecture.hidden[0]: must be in 1..4096");
        String layers = Arrays.toString(new int[65]).replace('0', '1');
        assertThatThrownBy(() -> parse("{'task':'regression','features':2,'architecture':{'type':'mlp',"
                + "'hidden':" + layers + "}}")).hasMessageContaining("at most 64 hidden layers, got 65");
        assertThatThrownBy(() -> parse("{'task':'regression','hashBits':25}"))
                .hasMessageContaining("hashBits: must be in 1..24");
    }

    @Test
    void theConfiguredParameterCapIsCheckedBeforeAnythingIsAllocated() {
        ModelSpec spec = parse("{'task':'multiclass','features':2000,'classes':100}"); // 200,100 parameters
        StateLimits limits = new StateLimits(200_000, StateLimits.DEFAULT_MAX_MESSAGE_BYTES);
        assertThatThrownBy(() -> ModelState.create("m", spec, 0, limits))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("200100 parameters")
                .hasMessageContaining("more than the 200000 allowed by model.max.parameters");
        assertThat(ModelState.create("m", spec, 0, new StateLimits(200_100, StateLimits.DEFAULT_MAX_MESSAGE_BYTES))
                .learned().params()).hasSize(200_100);
    }

    @Test
    void limitsRejectValuesOutOfRangeNamingTheKey() {
        assertThatThrownBy(() -> new StateLimits(ModelSpec.MAX_PARAMETERS + 1, StateLimits.DEFAULT_MAX_MESSAGE_BYTES))
                .hasMessageStartingWith("model.max.parameters: must be in 1..20000000");
        assertThatThrownBy(() -> new StateLimits(1000, 1000)).hasMessageStartingWith("model.max.message.bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'task':'regression','features':7,'metrics':{'window':5}}",
        "{'task':'binary','features':6,'standardize':false,'optimizer':{'type':'adam'},"
                + "'update':{'mode':'minibatch','batchSize':4},'metrics':{'window':3}}",
        "{'task':'multiclass','features':5,'classes':3,'optimizer':{'type':'ftrl'},'metrics':{'window':4}}",
        "{'task':'regression','features':4,'architecture':{'type':'mlp','hidden':[3,2]},"
                + "'optimizer':{'type':'momentum'},'update':{'mode':'minibatch','batchSize':3},'metrics':{'window':2}}"
    })
    void theBinarySizeComputedFromTheSpecIsExactAndTheJsonSizeABound(String json) {
        ModelSpec spec = parse(json);
        ModelState m = ModelState.create("modèle", spec, 0);
        int events = spec.update().mode().equals("minibatch") ? spec.update().batchSize() * 3 + 1 : 20;
        EventStream.LINEAR.feed(m, 7, events); // a full window, and an open batch in minibatch mode
        assertThat(m.learned().rolling().filled()).isEqualTo(spec.metrics().window());
        if (spec.update().mode().equals("minibatch")) {
            assertThat(m.learned().batchCount()).isPositive();
        }
        assertThat((long) BinaryStateCodec.encode(m).length)
                .isEqualTo(StateSizes.maxEncodedSize("modèle", spec));
        assertThat((long) JsonStateCodec.toBytes(m).length)
                .isLessThanOrEqualTo(JsonStateCodec.maxEncodedSize("modèle", spec));
    }

    @Test
    void aFortyThousandFeatureDenseSpecFitsTheDefaultLimitAndIsRefusedByASmallerOneNamingFeatures() {
        ModelSpec spec = parse("{'task':'regression','features':40000}");
        StateLimits.DEFAULT.check("m", spec);
        long binary = StateSizes.maxEncodedSize("m", spec);
        assertThat(binary).isGreaterThan(1_048_576); // it did not fit Kafka's default 1 MiB record
        StateLimits oneMiB = new StateLimits(StateLimits.DEFAULT_MAX_PARAMETERS, 1 << 20);
        assertThatThrownBy(() -> oneMiB.check("m", spec))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("features"))
                .hasMessageContaining("changelog record " + binary)
                .hasMessageContaining("model.max.message.bytes 1048576");
        ModelSpec bigWindow = parse("{'task':'regression','features':4,'metrics':{'window':1000000}}");
        assertThatThrownBy(() -> StateLimits.DEFAULT.check("m", bigWindow))
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("metrics.window"));
    }
}
