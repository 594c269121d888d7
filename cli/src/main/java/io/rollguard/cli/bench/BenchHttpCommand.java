package io.rollguard.cli.bench;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.config.StoreHttpSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.store.AnomalyScoreCollector;
import io.rollguard.store.InMemoryAnomalyStore;
import io.rollguard.store.StoreHttpServer;
import io.rollguard.store.StoreMetrics;
import io.rollguard.store.StoreVertexMain;
import io.rollguard.store.VerdictService;
import io.rollguard.store.verdict.CanaryJudge;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-http}: the anomaly store's HTTP API under attack. Starts the store's real server
 * ({@link StoreHttpServer} with the default {@code store.http} limits) on an in-memory store
 * holding {@code --entities} entities (stable and canary, 10 one-minute scores each), then for
 * {@code --seconds}:
 *
 * <ul>
 *   <li>{@code --slow-clients} slowloris clients: each connects, sends a request line and half a
 *       header, then one more header byte per second, never finishing; when the server cuts it
 *       (header deadline) it reconnects at once, so that many connections are held all the time;
 *   <li>{@code --clients} normal clients, each asking for verdicts back to back (random entity);
 *   <li>one scraper that GETs {@code /metrics} every {@code --scrape-interval}.
 * </ul>
 *
 * Prints verdict latency percentiles, throughput and errors, and the scrape outcomes. The load runs
 * on the same machine as the server; the figures include the clients' own CPU use.
 */
@Command(
    name = "bench-http",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the anomaly store's HTTP API with slowloris clients, concurrent verdict clients"
            + " and a scraper.")
public final class BenchHttpCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--slow-clients",
      defaultValue = "50",
      paramLabel = "N",
      description = "slowloris connections held (default ${DEFAULT-VALUE})")
  int slowClients;

  @Option(
      names = "--clients",
      defaultValue = "200",
      paramLabel = "N",
      description = "concurrent verdict clients (default ${DEFAULT-VALUE})")
  int clients;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      paramLabel = "S",
      description = "measured duration (default ${DEFAULT-VALUE})")
  int seconds;

  @Option(
      names = "--entities",
      defaultValue = "1000",
      paramLabel = "N",
      description = "entities in the store (default ${DEFAULT-VALUE})")
  int entities;

  @Option(
      names = "--scrape-interval",
      defaultValue = "1s",
      paramLabel = "DURATION",
      description = "interval of the /metrics scraper, e.g. 1s (default ${DEFAULT-VALUE})")
  String scrapeInterval;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "store.http.threads (default: the configuration default)")
  Integer threads;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "3",
      paramLabel = "S",
      description =
          "verdict load before the measured period, for the JIT (default ${DEFAULT-VALUE})")
  int warmupSeconds;

  private static final long STEP_MILLIS = 60_000;
  private static final int RECORDS_PER_KEY = 10;
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public Integer call() throws Exception {
    if (slowClients < 0 || clients < 1 || seconds < 1 || entities < 1) {
      throw new IllegalArgumentException(
          "--clients, --seconds and --entities must be >= 1, --slow-clients >= 0");
    }
    Duration scrapeEvery = io.rollguard.common.config.Durations.parse(scrapeInterval);
    PrintWriter out = spec.commandLine().getOut();
    StoreHttpSettings d = StoreHttpSettings.DEFAULT;
    StoreHttpSettings settings =
        threads == null
            ? d
            : new StoreHttpSettings(
                threads,
                d.maxConnections(),
                d.idleTimeout(),
                d.headerTimeout(),
                d.maxRequestHeaderBytes(),
                null,
                false,
                null,
                null);
    Clock clock = Clock.systemUTC();
    InMemoryAnomalyStore store = new InMemoryAnomalyStore(1440, Duration.ofDays(2), clock);
    store.write(records(clock.millis()));
    PrometheusRegistry operational = new PrometheusRegistry();
    StoreMetrics metrics = new StoreMetrics(operational);
    StoreHttpServer server =
        new StoreHttpServer(
            0,
            settings,
            StoreVertexMain.storeRegistry(
                operational,
                new AnomalyScoreCollector(store, Duration.ofMinutes(5), clock, metrics)),
            new VerdictService(store, clock, judge()),
            metrics);
    out.printf(
        Locale.ROOT,
        "# store: %d entities x 2 roles x %d records; server threads=%d, maxConnections=%d,"
            + " idleTimeout=%s, headerTimeout=%s; availableProcessors=%d%n",
        entities,
        RECORDS_PER_KEY,
        settings.threads(),
        settings.maxConnections(),
        settings.idleTimeout(),
        settings.headerTimeout(),
        Runtime.getRuntime().availableProcessors());
    out.printf(
        Locale.ROOT,
        "# load: %d slowloris connections, %d verdict clients, 1 scraper every %s, for %d s%n",
        slowClients,
        clients,
        scrapeInterval,
        seconds);
    out.flush();
    try {
      run(server.port(), scrapeEvery, server, out);
    } finally {
      server.stop();
    }
    return 0;
  }

  /** The shipped verdict rule over the shipped metrics. */
  private static CanaryJudge judge() throws ConfigException {
    RollguardConfig shipped = ConfigLoader.loadDefault(Map.of());
    return CanaryJudge.of(shipped.verdict(), shipped.metrics());
  }

  private List<AnomalyRecord> records(long now) {
    List<AnomalyRecord> records = new ArrayList<>();
    for (int e = 0; e < entities; e++) {
      for (String role : new String[] {ScoringKey.ROLE_STABLE, ScoringKey.ROLE_CANARY}) {
        ScoringKey key =
            new ScoringKey(
                "bench",
                "app-" + e,
                role,
                role.equals(ScoringKey.ROLE_CANARY) ? "c4n4ry" : "st4bl3");
        for (int i = 0; i < RECORDS_PER_KEY; i++) {
          Map<String, Double> scores = new LinkedHashMap<>();
          Map<String, Double> attribution = new LinkedHashMap<>();
          Map<String, Double> values = new LinkedHashMap<>();
          for (String metric :
              new String[] {
                "latency_p99", "error_ratio", "request_rate", "cpu_usage", "memory_working_set"
              }) {
            scores.put(metric, ThreadLocalRandom.current().nextDouble(0, 10));
            attribution.put(metric, 0.2);
            values.put(metric, 100 + ThreadLocalRandom.current().nextGaussian());
          }
          records.add(
              new AnomalyRecord(
                      key,
                      now - i * STEP_MILLIS,
                      ThreadLocalRandom.current().nextDouble(0, 10),
                      scores,
                      attribution,
                      AnomalyRecord.Source.MODEL,
                      "20261128T030000000Z-3fa2c81b9d04")
                  // Values make the judgment do its whole work (tests per metric), as in
                  // production.
                  .withObservations(values, 1.0, 1.0));
        }
      }
    }
    return records;
  }

  private void run(int port, Duration scrapeEvery, StoreHttpServer server, PrintWriter out)
      throws Exception {
    warmUp(port);
    AtomicLong slowConnects = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    // The slow clients connect first and stay until the end of the measured period.
    long end = System.nanoTime() + Duration.ofMillis(500).plusSeconds(seconds).toNanos();
    for (int i = 0; i < slowClients; i++) {
      threads.add(start("slowloris-" + i, () -> slowloris(port, end, slowConnects)));
    }
    // Every slow connection is open before the measured load starts (within the half second that
    // `end` reserves for it).
    long openBy = System.nanoTime() + Duration.ofMillis(500).toNanos();
    while (server.openConnections() < slowClients && System.nanoTime() < openBy) {
      Thread.sleep(5);
    }
    int slowOpenAtStart = server.openConnections();
    long measuredFrom = System.nanoTime();

    long[][] latencies = new long[clients][];
    int[] counts = new int[clients];
    AtomicLong errors = new AtomicLong();
    Map<String, AtomicLong> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      latencies[c] = new long[1 << 12];
      threads.add(
          start(
              "verdict-client-" + c,
              () -> {
                KeepAliveClient http = new KeepAliveClient(port);
                while (System.nanoTime() < end) {
                  long t0 = System.nanoTime();
                  try {
                    int status = http.get(verdictPath());
                    if (status != 200) {
                      errors.incrementAndGet();
                      errorKinds
                          .computeIfAbsent("HTTP " + status, k -> new AtomicLong())
                          .incrementAndGet();
                      continue;
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                    errorKinds
                        .computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong())
                        .incrementAndGet();
                    http.close();
                    continue;
                  }
                  if (counts[client] == latencies[client].length) {
                    latencies[client] =
                        java.util.Arrays.copyOf(latencies[client], counts[client] * 2);
                  }
                  latencies[client][counts[client]++] = System.nanoTime() - t0;
                }
                http.close();
              }));
    }
    List<Long> scrapeMillis = new ArrayList<>();
    AtomicLong scrapeFailures = new AtomicLong();
    Thread scraper =
        start(
            "scraper",
            () -> {
              HttpClient scrapeClient =
                  HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT).build();
              while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                try {
                  HttpResponse<String> page =
                      scrapeClient.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + port + "/metrics"))
                              .timeout(CLIENT_TIMEOUT)
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (page.statusCode() == 200
                      && page.body().contains("rollguard_anomaly_score{")) {
                    synchronized (scrapeMillis) {
                      scrapeMillis.add((System.nanoTime() - t0) / 1_000_000);
                    }
                  } else {
                    scrapeFailures.incrementAndGet();
                  }
                  long nextAt = t0 + scrapeEvery.toNanos();
                  Thread.sleep(Math.max(0, Math.min(nextAt, end) - System.nanoTime()) / 1_000_000);
                } catch (IOException e) {
                  scrapeFailures.incrementAndGet();
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    threads.add(scraper);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(seconds).plus(CLIENT_TIMEOUT).plusSeconds(5).toMillis());
    }
    double elapsed = (end - measuredFrom) / 1e9;

    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[Math.max(1, total)];
    int at = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies[c], 0, all, at, counts[c]);
      at += counts[c];
    }
    if (total == 0) {
      out.printf(Locale.ROOT, "verdicts: none answered; errors %d %s%n", errors.get(), errorKinds);
    } else {
      Percentiles p = Percentiles.of(all, total);
      out.printf(
          Locale.ROOT,
          "verdict_latency_ms: p50 %.2f, p99 %.2f, p99.9 %.2f, max %.2f%n",
          p.p50Micros() / 1e3,
          p.p99Micros() / 1e3,
          p.p999Micros() / 1e3,
          p.maxMicros() / 1e3);
      out.printf(
          Locale.ROOT,
          "verdict_throughput: %d answered in %.1f s = %.0f/s; errors %d %s%n",
          total,
          elapsed,
          total / elapsed,
          errors.get(),
          errorKinds);
    }
    List<Long> scrapes;
    synchronized (scrapeMillis) {
      scrapes = new ArrayList<>(scrapeMillis);
    }
    out.printf(
        Locale.ROOT,
        "scrapes: %d ok, %d failed; duration ms max %d, median %d%n",
        scrapes.size(),
        scrapeFailures.get(),
        scrapes.stream().mapToLong(Long::longValue).max().orElse(-1),
        scrapes.isEmpty() ? -1 : scrapes.stream().sorted().toList().get(scrapes.size() / 2));
    out.printf(
        Locale.ROOT,
        "slowloris: %d connections opened by %d clients (%d open when the measured load"
            + " started); %d closed by the server's header deadline%n",
        slowConnects.get(),
        slowClients,
        slowOpenAtStart,
        server.headerTimeouts());
    out.flush();
  }

  private String verdictPath() {
    return "/api/v1/verdict?namespace=bench&app=app-"
        + ThreadLocalRandom.current().nextInt(entities)
        + "&hash=c4n4ry";
  }

  /** Verdict load from all clients for {@code --warmup-seconds}, not measured. */
  private void warmUp(int port) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
    List<Thread> warm = new ArrayList<>();
    for (int c = 0; c < Math.min(clients, 16); c++) {
      warm.add(
          start(
              "warm-up-" + c,
              () -> {
                KeepAliveClient http = new KeepAliveClient(port);
                while (System.nanoTime() < until) {
                  try {
                    http.get(verdictPath());
                  } catch (IOException e) {
                    http.close();
                  }
                }
                http.close();
              }));
    }
    for (Thread t : warm) {
      t.join();
    }
  }

  /**
   * A minimal HTTP/1.1 keep-alive GET client on one socket: the load generator shares the server's
   * two cores, so it must cost little (the JDK client spent more CPU per request than the server).
   */
  static final class KeepAliveClient {
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    KeepAliveClient(int port) {
      this.port = port;
    }

    /** Sends one GET and reads the whole answer; returns the status. */
    int get(String pathAndQuery) throws IOException {
      if (socket == null) {
        socket = new Socket();
        socket.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            (int) CLIENT_TIMEOUT.toMillis());
        socket.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
      }
      out.write(
          ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = line();
      int status = Integer.parseInt(statusLine.substring(9, 12));
      int length = -1;
      for (String header = line(); !header.isEmpty(); header = line()) {
        if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Integer.parseInt(header.substring(15).trim());
        }
      }
      if (length < 0) {
        throw new IOException("no Content-Length in the answer");
      }
      in.skipNBytes(length);
      return status;
    }

    private String line() throws IOException {
      StringBuilder text = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("connection closed by the server");
        }
        if (b != '\r') {
          text.append((char) b);
        }
      }
      return text.toString();
    }

    void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing
        }
        socket = null;
      }
    }
  }

  /** Holds one connection with an unfinished header; reconnects when the server closes it. */
  private static void slowloris(int port, long end, AtomicLong connects) {
    while (System.nanoTime() < end) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        connects.incrementAndGet();
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(
            String.join(
                    "\r\n",
                    "GET /api/v1/verdict?namespace=bench&app=app-0&hash=c4n4ry HTTP/1.1",
                    "Host: 127.0.0.1",
                    "X-Slow: ")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.setSoTimeout(1_000);
        while (System.nanoTime() < end) {
          try {
            if (in.read() < 0) {
              break; // closed by the server: reconnect
            }
          } catch (java.net.SocketTimeoutException quiet) {
            out.write('a'); // one more byte per second: never idle, never done
            out.flush();
          }
        }
      } catch (IOException e) {
        // refused or reset: try again
      }
    }
  }

  private static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
