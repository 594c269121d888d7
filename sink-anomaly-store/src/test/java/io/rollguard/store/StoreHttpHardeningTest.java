package io.rollguard.store;

import static io.rollguard.store.StoreFixtures.CANARY;
import static io.rollguard.store.StoreFixtures.STABLE;
import static io.rollguard.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.Secret;
import io.rollguard.common.config.StoreHttpSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.testsupport.SettableClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's HTTP server: authentication, TLS, header limits and deadlines, the /metrics key cap.
 */
class StoreHttpHardeningTest {

  private static final long NOW = 1_800_000_000_000L;
  private static final String VERDICT = "/api/v1/verdict?namespace=shop&app=checkout&hash=c4n4ry";

  private static InMemoryAnomalyStore store(SettableClock clock, int extraKeys) {
    InMemoryAnomalyStore store = new InMemoryAnomalyStore(100, Duration.ofDays(1), clock);
    List<AnomalyRecord> records = new ArrayList<>();
    // Half an hour of one-minute records: the canary judgment needs verdict.noiseSamples (10)
    // values per role over verdict.noiseLookback (30 min) before it answers anything but
    // inconclusive.
    for (int i = 0; i < 30; i++) {
      records.add(record(CANARY, NOW - (29 - i) * 60_000L, 8.5, "latency"));
      records.add(record(STABLE, NOW - (29 - i) * 60_000L, 1.0, "cpu"));
    }
    for (int i = 0; i < extraKeys; i++) {
      // Older than the two keys above, so the cap keeps those.
      records.add(
          record(
              new ScoringKey("other", "app" + i, "canary", "h"), NOW - 120_000L - i, 1.0, "cpu"));
    }
    store.write(records);
    return store;
  }

  private static StoreHttpServer server(StoreHttpSettings settings, int extraKeys, int maxKeys)
      throws IOException {
    SettableClock clock = new SettableClock(NOW);
    InMemoryAnomalyStore store = store(clock, extraKeys);
    PrometheusRegistry operational = new PrometheusRegistry();
    StoreMetrics metrics = new StoreMetrics(operational);
    return new StoreHttpServer(
        0,
        settings,
        StoreVertexMain.storeRegistry(
            operational,
            new AnomalyScoreCollector(store, Duration.ofMinutes(5), clock, metrics, maxKeys, null)),
        new VerdictService(store, clock, StoreFixtures.judge()),
        metrics);
  }

  private static HttpResponse<String> get(HttpClient client, String url, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theVerdictApiRequiresTheBearerTokenWhenOneIsConfigured() throws Exception {
    StoreHttpServer http =
        server(StoreHttpSettings.DEFAULT.withBearerToken(new Secret("t0ken")), 0, 100);
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + http.port();
    try {
      HttpResponse<String> none = get(client, base + VERDICT, null);
      assertEquals(401, none.statusCode());
      assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      assertFalse(none.body().contains("verdict\""), none.body());
      assertEquals(401, get(client, base + VERDICT, "Bearer wrong").statusCode());
      assertEquals(401, get(client, base + VERDICT, "t0ken").statusCode());
      HttpResponse<String> ok = get(client, base + VERDICT, "Bearer t0ken");
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("\"verdict\":\"fail\""), ok.body());
      // /metrics stays open unless metricsRequireToken, and counts the refusals.
      HttpResponse<String> scrape = get(client, base + "/metrics", null);
      assertEquals(200, scrape.statusCode());
      assertTrue(
          scrape
              .body()
              .contains("rollguard_store_http_unauthorized_total{endpoint=\"verdict\"} 3.0"),
          scrape.body());
    } finally {
      http.stop();
    }
  }

  @Test
  void metricsCanRequireTheTokenToo() throws Exception {
    StoreHttpSettings d = StoreHttpSettings.DEFAULT;
    StoreHttpSettings settings =
        new StoreHttpSettings(
            d.threads(),
            d.maxConnections(),
            d.idleTimeout(),
            d.headerTimeout(),
            d.maxRequestHeaderBytes(),
            new Secret("t0ken"),
            true,
            null,
            null);
    StoreHttpServer http = server(settings, 0, 100);
    HttpClient client = HttpClient.newHttpClient();
    try {
      String url = "http://127.0.0.1:" + http.port() + "/metrics";
      assertEquals(401, get(client, url, null).statusCode());
      assertEquals(200, get(client, url, "Bearer t0ken").statusCode());
    } finally {
      http.stop();
    }
  }

  @Test
  void servesHttpsFromAKeyStore(@TempDir Path dir) throws Exception {
    Path keyStore = dir.resolve("store.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "store",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    assertTrue(
        keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0,
        new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    StoreHttpSettings d = StoreHttpSettings.DEFAULT;
    StoreHttpSettings settings =
        new StoreHttpSettings(
            d.threads(),
            d.maxConnections(),
            d.idleTimeout(),
            d.headerTimeout(),
            d.maxRequestHeaderBytes(),
            null,
            false,
            keyStore,
            new Secret("changeit"));
    StoreHttpServer http = server(settings, 0, 100);
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      try (InputStream in = java.nio.file.Files.newInputStream(keyStore)) {
        trusted.load(in, "changeit".toCharArray());
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
      HttpResponse<String> ok = get(client, "https://127.0.0.1:" + http.port() + VERDICT, null);
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("\"verdict\":\"fail\""), ok.body());
    } finally {
      http.stop();
    }
  }

  @Test
  void anOversizedRequestLineOrHeaderIsRefused() throws Exception {
    StoreHttpServer http = server(StoreHttpSettings.DEFAULT, 0, 100);
    HttpClient client = HttpClient.newHttpClient();
    try {
      HttpResponse<String> longUri =
          get(
              client,
              "http://127.0.0.1:" + http.port() + VERDICT + "&pad=" + "x".repeat(16 * 1024),
              null);
      assertEquals(414, longUri.statusCode());
      HttpResponse<String> bigHeader =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + VERDICT))
                  .header("X-Pad", "x".repeat(16 * 1024))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(431, bigHeader.statusCode());
      assertEquals(
          200, get(client, "http://127.0.0.1:" + http.port() + VERDICT, null).statusCode());
    } finally {
      http.stop();
    }
  }

  @Test
  void aClientThatTricklesItsHeaderIsDisconnectedAtTheHeaderDeadline() throws Exception {
    StoreHttpSettings d = StoreHttpSettings.DEFAULT;
    StoreHttpSettings settings =
        new StoreHttpSettings(
            d.threads(),
            d.maxConnections(),
            d.idleTimeout(),
            Duration.ofMillis(500),
            d.maxRequestHeaderBytes(),
            null,
            false,
            null,
            null);
    StoreHttpServer http = server(settings, 0, 100);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", http.port()), 2_000);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      // One header byte every 100 ms: never idle for long, never done (the idle timeout alone would
      // not end it).
      boolean closedByServer = false;
      for (int i = 0; i < 100 && !closedByServer; i++) {
        try {
          out.write('a');
          out.flush();
          Thread.sleep(100);
          closedByServer = in.available() == 0 && socket.getInputStream().available() < 0;
        } catch (IOException e) {
          closedByServer = true;
        }
      }
      if (!closedByServer) {
        socket.setSoTimeout(2_000);
        closedByServer = in.read() == -1;
      }
      assertTrue(closedByServer, "the trickling connection was closed");
      assertEquals(1, http.headerTimeouts());
    } finally {
      http.stop();
    }
  }

  @Test
  void metricsExportAtMostMaxKeysAndCountTheRest() throws Exception {
    StoreHttpServer http = server(StoreHttpSettings.DEFAULT, 50, 10);
    try {
      String page =
          get(HttpClient.newHttpClient(), "http://127.0.0.1:" + http.port() + "/metrics", null)
              .body();
      long keys =
          page.lines()
              .filter(l -> l.startsWith("rollguard_anomaly_score_timestamp_seconds{"))
              .count();
      assertEquals(10, keys, page);
      assertTrue(page.contains("rollguard_store_metrics_keys_omitted 42.0"), page);
      assertTrue(
          page.contains(
              "rollguard_anomaly_score{app=\"checkout\",metric=\"unified\",namespace=\"shop\","
                  + "role=\"canary\",rollouts_pod_template_hash=\"c4n4ry\"} 8.5"),
          "the newest keys are kept");
    } finally {
      http.stop();
    }
  }
}
