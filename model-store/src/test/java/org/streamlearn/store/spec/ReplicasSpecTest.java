package org.streamlearn.store.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The optional {@code replicas} block (DESIGN.md "Replicas"): parse, defaults, write, errors. */
class ReplicasSpecTest {

    private static ModelSpec parse(String singleQuoted) {
        return ModelSpecs.parse(singleQuoted.replace('\'', '"'));
    }

    @Test
    void absentMeansOneKeyAndTheJsonIsUnchanged() {
        ModelSpec spec = parse("{'task':'regression','features':3}");
        assertThat(spec.replicas()).isNull();
        assertThat(ModelSpecs.toJsonString(spec)).doesNotContain("replicas");
    }

    @Test
    void syncEveryHasADefault() {
        ModelSpec spec = parse("{'task':'binary','features':3,'replicas':{'count':4}}");
        assertThat(spec.replicas()).isEqualTo(new ReplicasSpec(4, ReplicasSpec.DEFAULT_SYNC_EVERY));
    }

    @Test
    void roundTrips() {
        ModelSpec spec = parse("{'task':'regression','features':3,'update':{'mode':'minibatch','batchSize':8},"
                + "'replicas':{'count':3,'syncEvery':40}}");
        String json = ModelSpecs.toJsonString(spec);
        assertThat(json).endsWith("\"replicas\":{\"count\":3,\"syncEvery\":40}}");
        assertThat(ModelSpecs.parse(json)).isEqualTo(spec);
        assertThat(spec.withReplicas(null)).isEqualTo(parse("{'task':'regression','features':3,"
                + "'update':{'mode':'minibatch','batchSize':8}}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'task':'regression','features':3,'replicas':{}} | replicas.count",
        "{'task':'regression','features':3,'replicas':{'count':0}} | replicas.count",
        "{'task':'regression','features':3,'replicas':{'count':65}} | replicas.count",
        "{'task':'regression','features':3,'replicas':{'count':2.5}} | replicas.count",
        "{'task':'regression','features':3,'replicas':{'count':2,'syncEvery':0}} | replicas.syncEvery",
        "{'task':'regression','features':3,'replicas':{'count':2,'every':5}} | replicas.every",
        "{'task':'regression','features':3,'replicas':3} | replicas",
        "{'task':'regression','features':3,'update':{'mode':'minibatch','batchSize':8},'replicas':{'count':2,'syncEvery':12}} | replicas.syncEvery",
        "{'task':'regression','features':3,'update':{'mode':'minibatch','batchSize':8,'maxDelayMs':5},'replicas':{'count':2,'syncEvery':16}} | update.maxDelayMs",
        "{'task':'regression','features':3,'drift':{'detector':'adwin'},'replicas':{'count':2}} | replicas",
        "{'task':'regression','features':3,'feedback':{},'replicas':{'count':2}} | replicas",
        "{'task':'regression','features':3,'challengers':[{'name':'b','spec':{'l2':0.1}}],'replicas':{'count':2}} | replicas",
        "{'task':'regression','features':3,'challengers':[{'name':'b','spec':{'replicas':{'count':2}}}]} | challengers[0].spec.replicas",
    })
    void errorsNameTheField(String spec, String field) {
        assertThatThrownBy(() -> parse(spec)).isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo(field))
                .hasMessageStartingWith(field + ": ");
    }
}
