package org.streamlearn.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.state.HostInfo;
import org.streamlearn.app.streams.Outputs;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.state.BinaryStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * {@code GET /models?limit=&after=}: the models of the whole cluster, one page at a time, ordered by model id:
 * at most {@code limit} (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}) models whose id sorts
 * after {@code after}. Each model as of its last commit: id, version, seen, updates, rolling loss and progressive
 * metric (the {@code model-metrics} shape), plus task and optimizer. The instance asked fans out to every
 * instance ({@link MetadataService#instances()}) with {@code local=true}, merges their pages and lists each
 * instance with whether it answered: {@code {"models": [...], "next": id|null, "complete": bool,
 * "instances": [{"url", "ok", "models"|"error"}]}}. {@code next} is the {@code after} of the next page.
 * With {@code local=true}, only this instance's active models.
 */
final class ModelsHandler {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** One instance's page, or why there is none ({@code models} null). */
    record Page(String url, List<ObjectNode> models, boolean more, String error) {
    }

    private final LocalModels models;
    private final MetadataService metadata;
    private final HttpClient client;
    private final Duration timeout;

    ModelsHandler(LocalModels models, MetadataService metadata, Duration connectTimeout, Duration timeout) {
        this.models = models;
        this.metadata = metadata;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
    }

    void list(Request r) throws IOException {
        Map<String, String> q = query(r.exchange().getRequestURI().getRawQuery());
        int limit = limit(q.get("limit"));
        String after = q.getOrDefault("after", "");
        if ("true".equals(q.get("local"))) {
            Page p = local(after, limit);
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set("models", Json.MAPPER.createArrayNode().addAll(p.models()));
            o.put("more", p.more());
            Responses.json(r.exchange(), 200, o);
            return;
        }
        List<HostInfo> instances = metadata.instances();
        Map<HostInfo, CompletableFuture<HttpResponse<byte[]>>> asked = new LinkedHashMap<>();
        for (HostInfo h : instances) {
            if (!metadata.isSelf(h)) {
                asked.put(h, ask(r, h, after, limit));
            }
        }
        List<Page> pages = new ArrayList<>();
        for (HostInfo h : instances) {
            pages.add(metadata.isSelf(h) ? localOrError(h, after, limit) : remote(h, asked.get(h)));
        }
        Responses.json(r.exchange(), 200, merge(pages, limit));
    }

    /**
     * Merges the instances' pages (each sorted by model id, each at most {@code limit} long) into one page of the
     * cluster: the first {@code limit} models by id, {@code next} when any instance has more, and every instance
     * marked with whether it answered.
     */
    static ObjectNode merge(List<Page> pages, int limit) {
        List<ObjectNode> all = new ArrayList<>();
        boolean more = false;
        boolean complete = true;
        ArrayNode instances = Json.MAPPER.createArrayNode();
        for (Page p : pages) {
            ObjectNode i = instances.addObject();
            i.put("url", p.url());
            if (p.models() == null) {
                complete = false;
                i.put("ok", false);
                i.put("error", p.error());
                continue;
            }
            i.put("ok", true);
            i.put("models", p.models().size());
            all.addAll(p.models());
            more |= p.more();
        }
        all.sort(Comparator.comparing(m -> m.path("model").asText()));
        more |= all.size() > limit;
        List<ObjectNode> page = all.subList(0, Math.min(limit, all.size()));
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("models", Json.MAPPER.createArrayNode().addAll(page));
        if (more && !page.isEmpty()) {
            o.put("next", page.get(page.size() - 1).path("model").asText());
        } else {
            o.putNull("next");
        }
        o.put("complete", complete);
        o.set("instances", instances);
        return o;
    }

    private Page localOrError(HostInfo h, String after, int limit) {
        try {
            return local(after, limit);
        } catch (HttpError e) {
            return new Page(url(h), null, false, e.getMessage());
        }
    }

    /** This instance's active models after {@code after}, at most {@code limit}. */
    private Page local(String after, int limit) {
        List<ObjectNode> out = new ArrayList<>();
        boolean more = false;
        for (Map.Entry<String, byte[]> e : models.all().entrySet()) {
            if (e.getKey().compareTo(after) <= 0) {
                continue;
            }
            if (out.size() == limit) {
                more = true;
                break;
            }
            ModelState m = BinaryStateCodec.decode(e.getValue());
            ObjectNode o = Outputs.metrics(m, m.updatedAtMs());
            o.put("task", m.spec().task().logicalName());
            o.put("optimizer", m.championSpec().optimizer().type());
            out.add(o);
        }
        return new Page(url(metadata.self()), out, more, null);
    }

    private CompletableFuture<HttpResponse<byte[]>> ask(Request r, HostInfo h, String after, int limit) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + h.host() + ":" + h.port()
                + "/models?local=true&limit=" + limit + "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)))
                .timeout(timeout).header(Forwarder.MARKER, url(metadata.self())).GET();
        String auth = r.header("Authorization");
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Page remote(HostInfo h, CompletableFuture<HttpResponse<byte[]>> answer) {
        try {
            HttpResponse<byte[]> a = answer.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (a.statusCode() != 200) {
                return new Page(url(h), null, false, "answered " + a.statusCode());
            }
            JsonNode body = Json.MAPPER.readTree(a.body());
            List<ObjectNode> ms = new ArrayList<>();
            for (JsonNode m : body.path("models")) {
                ms.add((ObjectNode) m);
            }
            return new Page(url(h), ms, body.path("more").asBoolean(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Page(url(h), null, false, "interrupted");
        } catch (ExecutionException | TimeoutException | IOException | ClassCastException e) {
            answer.cancel(true);
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return new Page(url(h), null, false, "did not answer: " + c);
        }
    }

    private static String url(HostInfo h) {
        return h.host() + ":" + h.port();
    }

    private static int limit(String v) {
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new HttpError(400, "limit", "must be an integer from 1 to " + MAX_LIMIT + ", got '" + v + "'");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            String v = eq < 0 ? "" : kv.substring(eq + 1);
            try {
                q.put(Router.decode(k), Router.decode(v.replace('+', ' ')));
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "query", e.getMessage());
            }
        }
        return q;
    }
}
