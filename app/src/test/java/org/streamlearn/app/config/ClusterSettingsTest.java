package org.streamlearn.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The many-instances settings: keys, environment variables, defaults and errors naming the key. */
class ClusterSettingsTest {

    private static final Map<String, String> OK = Map.of("bootstrap.servers", "127.0.0.1:9092");

    @Test
    void defaults() {
        ClusterSettings c = ConfigLoader.load(null, Map.of(), OK).cluster();
        assertThat(c.advertisedUrl()).isEmpty();
        assertThat(c.standbyReplicas()).isEqualTo(1);
        assertThat(c.maxLagRecords()).isEqualTo(10_000);
    }

    @Test
    void fromTheEnvironmentAndFlags() {
        ClusterSettings c = ConfigLoader.load(null, Map.of("STREAMLEARN_HTTP_ADVERTISED_URL", "http://svc:8080",
                "STREAMLEARN_NUM_STANDBY_REPLICAS", "2"), Map.of("bootstrap.servers", "127.0.0.1:9092",
                        "serving.max.lag.records", "50")).cluster();
        assertThat(c).isEqualTo(new ClusterSettings("http://svc:8080", 2, 50));
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> new ClusterSettings("http://a b:80", 0, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.advertised.url");
        assertThatThrownBy(() -> new ClusterSettings("", -1, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("num.standby.replicas");
    }
}
