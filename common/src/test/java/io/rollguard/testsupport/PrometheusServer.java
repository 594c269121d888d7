package io.rollguard.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code prometheus} on a free loopback port whose TSDB was backfilled from OpenMetrics text
 * with {@code promtool tsdb create-blocks-from openmetrics}; optionally with a scrape config for
 * end-to-end tests.
 *
 * <pre>{@code
 * try (PrometheusServer prom = PrometheusServer.builder().openMetrics(text).start()) {
 *   ... prom.url() ...
 * }
 * }</pre>
 *
 * <p>Backfilled data must be younger than the retention (30 days here) or Prometheus deletes it.
 */
public final class PrometheusServer implements AutoCloseable {

  /**
   * Found on the PATH (or through {@code ROLLGUARD_PROMETHEUS_BIN}), see {@link
   * ExternalBinary#require}.
   */
  public static final String PROMETHEUS = "prometheus";

  /** Found on the PATH (or through {@code ROLLGUARD_PROMTOOL_BIN}). */
  public static final String PROMTOOL = "promtool";

  private final Path dir;
  private final int port;
  private final SelfSignedCertificate tls;
  private Process process;

  private PrometheusServer(Path dir, int port, SelfSignedCertificate tls) {
    this.dir = dir;
    this.port = port;
    this.tls = tls;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:<port>} ({@code https://} with TLS). */
  public URI url() {
    return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port);
  }

  /** The server's self-signed certificate (also its CA), or null without TLS. */
  public SelfSignedCertificate certificate() {
    return tls;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    ExternalBinary.stop(process);
    ExternalBinary.deleteRecursively(dir);
  }

  /**
   * Runs {@code promtool check metrics} (Prometheus' own parser and linter) on exposition text;
   * returns exit code and output.
   */
  public static PromtoolResult checkMetrics(String expositionText) {
    Path promtool = ExternalBinary.require(PROMTOOL);
    try {
      Process check =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      try (var stdin = check.getOutputStream()) {
        stdin.write(expositionText.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      String output =
          new String(
              check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!check.waitFor(30, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        throw new IllegalStateException("promtool check metrics did not finish");
      }
      return new PromtoolResult(check.exitValue(), output);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run promtool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Exit code and combined output of a promtool run: 0 = valid and lint-clean, 1 = does not parse,
   * 3 = parses but has lint problems (e.g. a metric without HELP).
   */
  public record PromtoolResult(int exitCode, String output) {}

  /** Configures and starts a server. */
  public static final class Builder {
    private String openMetrics;
    private String scrapeConfigs = "";
    private Duration scrapeInterval = Duration.ofSeconds(15);
    private boolean tls;
    private int port;

    /**
     * Listen on this port instead of a free one (e.g. to bring back a server a client already
     * knows).
     */
    public Builder port(int fixedPort) {
      this.port = fixedPort;
      return this;
    }

    /** Serve the API over https with a fresh self-signed certificate ({@link #certificate()}). */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /** OpenMetrics text to backfill (see {@link OpenMetricsText}); must end with {@code # EOF}. */
    public Builder openMetrics(String text) {
      this.openMetrics = text;
      return this;
    }

    /**
     * YAML list items under {@code scrape_configs:}, e.g. {@code " - job_name: x\n static_configs:
     * [{targets: ['127.0.0.1:1234']}]\n"}.
     */
    public Builder scrapeConfigs(String yamlItems, Duration interval) {
      this.scrapeConfigs = yamlItems;
      this.scrapeInterval = interval;
      return this;
    }

    public PrometheusServer start() {
      Path prometheus = ExternalBinary.require(PROMETHEUS);
      Path promtool = ExternalBinary.require(PROMTOOL);
      Path dir;
      try {
        dir = Files.createTempDirectory("rollguard-prometheus-");
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a temp dir", e);
      }
      PrometheusServer server;
      try {
        server =
            new PrometheusServer(
                dir,
                port > 0 ? port : ExternalBinary.freePort(),
                tls ? SelfSignedCertificate.generate(dir.resolve("tls")) : null);
      } catch (RuntimeException e) {
        ExternalBinary.deleteRecursively(dir);
        throw e;
      }
      try {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        if (openMetrics != null) {
          backfill(promtool, dir, data);
        }
        Path config = dir.resolve("prometheus.yml");
        String yaml = "global:\n  scrape_interval: " + scrapeInterval.toSeconds() + "s\n";
        if (!scrapeConfigs.isEmpty()) {
          yaml += "scrape_configs:\n" + scrapeConfigs;
        }
        Files.writeString(config, yaml);
        Path log = dir.resolve("prometheus.log");
        List<String> command =
            new java.util.ArrayList<>(
                List.of(
                    prometheus.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + data,
                    "--storage.tsdb.retention.time=30d",
                    "--web.listen-address=127.0.0.1:" + server.port,
                    "--web.enable-lifecycle"));
        if (server.tls != null) {
          Path webConfig = dir.resolve("web.yml");
          Files.writeString(
              webConfig,
              "tls_server_config:\n"
                  + "  cert_file: "
                  + server.tls.certFile()
                  + "\n"
                  + "  key_file: "
                  + server.tls.keyFile()
                  + "\n");
          command.add("--web.config.file=" + webConfig);
        }
        server.process = ExternalBinary.launch(command, log);
        awaitReady(server, log);
        return server;
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
    }

    private void backfill(Path promtool, Path dir, Path data) throws IOException {
      Path input = dir.resolve("backfill.om");
      Files.writeString(input, openMetrics);
      Path log = dir.resolve("promtool.log");
      Process run =
          ExternalBinary.launch(
              List.of(
                  promtool.toString(),
                  "tsdb",
                  "create-blocks-from",
                  "openmetrics",
                  input.toString(),
                  data.toString()),
              log);
      try {
        if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
          ExternalBinary.stop(run);
          throw new IllegalStateException("promtool backfill failed:\n" + ExternalBinary.tail(log));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    private static void awaitReady(PrometheusServer server, Path log) {
      HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500));
      if (server.tls != null) {
        builder.sslContext(
            io.rollguard.common.prometheus.TlsTrust.trustingCaFile(server.tls.certFile()));
      }
      HttpClient http = builder.build();
      HttpRequest ready =
          HttpRequest.newBuilder(server.url().resolve("/-/ready"))
              .timeout(Duration.ofSeconds(1))
              .build();
      long deadline = System.currentTimeMillis() + 30_000;
      while (true) {
        if (!server.process.isAlive()) {
          throw new IllegalStateException("prometheus exited:\n" + ExternalBinary.tail(log));
        }
        try {
          if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              "prometheus not ready after 30 s:\n" + ExternalBinary.tail(log));
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    }
  }
}
