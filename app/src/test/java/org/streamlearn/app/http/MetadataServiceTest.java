package org.streamlearn.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** The address an instance advertises ({@code http.advertised.url}, Streams' {@code application.server}). */
class MetadataServiceTest {

    @Test
    void withoutAnAdvertisedUrlTheBindAddressIsAdvertised() {
        assertThat(MetadataService.advertised("", "127.0.0.1", 8123)).isEqualTo(new HostInfo("127.0.0.1", 8123));
        assertThat(MetadataService.advertised(null, "10.1.2.3", 80)).isEqualTo(new HostInfo("10.1.2.3", 80));
    }

    @Test
    void aWildcardBindAdvertisesTheMachinesHostName() throws Exception {
        String name = InetAddress.getLocalHost().getHostName();
        assertThat(MetadataService.advertised("", "0.0.0.0", 8080)).isEqualTo(new HostInfo(name, 8080));
        assertThat(MetadataService.advertised("", "::", 8080)).isEqualTo(new HostInfo(name, 8080));
        assertThat(name).isNotEqualTo("0.0.0.0");
    }

    @Test
    void anAdvertisedUrlWins() {
        assertThat(MetadataService.advertised("http://streamlearn:8080", "0.0.0.0", 41000))
                .isEqualTo(new HostInfo("streamlearn", 8080));
        assertThat(MetadataService.advertised("node-2.example", "0.0.0.0", 41000))
                .as("no port: the bound one").isEqualTo(new HostInfo("node-2.example", 41000));
        assertThat(MetadataService.advertised("HTTP://10.0.0.7:9000/", "127.0.0.1", 1))
                .isEqualTo(new HostInfo("10.0.0.7", 9000));
        assertThat(MetadataService.advertised("[::1]:9000", "::", 1)).isEqualTo(new HostInfo("[::1]", 9000));
    }

    @Test
    void selfIsRecognisedByItsAdvertisedAddress() {
        MetadataService m = new MetadataService(MetadataService.advertised("http://svc-a:8080", "0.0.0.0", 8080));
        assertThat(m.isSelf(new HostInfo("svc-a", 8080))).isTrue();
        assertThat(m.isSelf(new HostInfo("svc-b", 8080))).isFalse();
        assertThat(m.isSelf(new HostInfo("svc-a", 8081))).isFalse();
    }
}
