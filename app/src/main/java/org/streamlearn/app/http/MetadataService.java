package org.streamlearn.app.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.streamlearn.app.streams.TopologyFactory;

/**
 * What Kafka Streams knows about the cluster, for serving: who owns a model id
 * ({@link KafkaStreams#queryMetadataForKey}), whether that is this instance, and which instances exist
 * ({@link KafkaStreams#metadataForAllStreamsClients}). Instances are named by their HTTP address (Streams'
 * {@code application.server}, see {@link #advertised}).
 */
public final class MetadataService {

    private final HostInfo self;
    private final Serializer<String> keys = new StringSerializer();
    private volatile KafkaStreams streams;

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "*", "");

    /** The metadata of the instance whose HTTP address is {@code self}. */
    public MetadataService(HostInfo self) {
        this.self = self;
    }

    /**
     * The address this instance advertises ({@code http.advertised.url}, Streams' {@code application.server}):
     * {@code url} when set ({@code [http://]host[:port]}; without a port, the bound one); else the bind address,
     * except for a wildcard bind ({@code 0.0.0.0}, {@code ::}), where it is the machine's host name, as no other
     * instance can reach a wildcard.
     *
     * @param url       the {@code http.advertised.url} setting, or empty
     * @param bindHost  the {@code http.host} setting
     * @param boundPort the port the server is bound to
     */
    public static HostInfo advertised(String url, String bindHost, int boundPort) {
        if (url != null && !url.isBlank()) {
            String rest = url.trim().replaceFirst("(?i)^http://", "").replaceFirst("/$", "");
            int close = rest.startsWith("[") ? rest.indexOf(']') : -1;
            int colon = rest.indexOf(':', close + 1);
            if (colon < 0) {
                return new HostInfo(rest, boundPort);
            }
            try {
                return new HostInfo(rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("http.advertised.url: bad port in '" + url + "'", e);
            }
        }
        String host = bindHost == null ? "" : bindHost.trim().toLowerCase(Locale.ROOT);
        if (WILDCARDS.contains(host)) {
            return new HostInfo(localHostName(), boundPort);
        }
        return new HostInfo(bindHost.trim(), boundPort);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    /** The Kafka Streams instance to ask. */
    public void attach(KafkaStreams s) {
        this.streams = s;
    }

    /** This instance's address. */
    public HostInfo self() {
        return self;
    }

    /** The Kafka Streams state, or {@code STARTING} before one is attached. */
    public String state() {
        KafkaStreams s = streams;
        return s == null ? "STARTING" : s.state().name();
    }

    /** The Kafka Streams instance when it is RUNNING. */
    public Optional<KafkaStreams> running() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING ? Optional.of(s) : Optional.empty();
    }

    /** The Kafka Streams instance, or null before one is attached. */
    KafkaStreams streams() {
        return streams;
    }

    /** Whether {@code host} is this instance. */
    public boolean isSelf(HostInfo host) {
        return host.port() == self.port() && (host.host().equals(self.host()) || host.host().equals("localhost"));
    }

    /**
     * Who holds the active task of a model id, as far as this instance knows (RUNNING or REBALANCING: the
     * metadata of the last assignment; a new owner that is still restoring answers 503 or from a standby).
     */
    public Owner ownerOf(String modelId) {
        KafkaStreams s = streams;
        if (s == null || !s.state().isRunningOrRebalancing()) {
            return new Owner.Unknown("not running yet (" + state() + ")");
        }
        KeyQueryMetadata md;
        try {
            md = s.queryMetadataForKey(TopologyFactory.STORE, modelId, keys);
        } catch (StreamsException | IllegalStateException e) {
            return new Owner.Unknown("the owner of model '" + modelId + "' is not known now (" + state() + "): "
                    + e.getMessage());
        }
        if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Owner.Unknown("the owner of model '" + modelId + "' is not known yet (rebalancing)");
        }
        return isSelf(md.activeHost()) ? new Owner.Local() : new Owner.Remote(md.activeHost());
    }

    /** Every instance of the application (their HTTP addresses), this one included. */
    public List<HostInfo> instances() {
        KafkaStreams s = streams;
        if (s == null || !s.state().isRunningOrRebalancing()) {
            return List.of(self);
        }
        try {
            List<HostInfo> all = s.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).distinct()
                    .toList();
            return all.stream().anyMatch(this::isSelf) ? all
                    : Stream.concat(Stream.of(self), all.stream()).toList();
        } catch (StreamsException | IllegalStateException e) {
            return List.of(self);
        }
    }
}
