package io.rollguard.cli.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollguard.common.config.Durations;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.store.AnomalyScoreCollector;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rollguard verdict}: asks a running anomaly store for the verdict on a canary through its
 * HTTP API ({@code GET /api/v1/verdict}, what Argo Rollouts' web provider asks) and prints it with
 * its explanation. The exit status is the verdict, so a script can gate on it. Prints whatever the
 * store answers: fields this version does not know are shown as they are.
 */
@Command(
    name = "verdict",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = VerdictCommand.EXIT_USAGE,
    exitCodeOnExecutionException = VerdictCommand.EXIT_STORE_ERROR,
    description =
        "Ask a running anomaly store for the verdict on a canary (GET /api/v1/verdict, as Argo"
            + " Rollouts does) and print it with its explanation. To reach the store in a cluster:"
            + " kubectl -n rollguard port-forward svc/rollguard-anomaly-store 8080:8080",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:pass",
      "1:fail",
      "2:inconclusive (not enough evidence, a shared cause, or no canary scored yet)",
      "3:the store could not be asked or answered an error (unreachable, timeout, HTTP 5xx,"
          + " unreadable answer)",
      "4:invalid arguments (also when the store answers 400)"
    })
public final class VerdictCommand implements Callable<Integer> {

  public static final int EXIT_PASS = 0;
  public static final int EXIT_FAIL = 1;
  public static final int EXIT_INCONCLUSIVE = 2;
  public static final int EXIT_STORE_ERROR = 3;
  public static final int EXIT_USAGE = 4;

  /** A verdict is a few KB; a store that sends more is not one. */
  static final long MAX_VERDICT_BYTES = 1 << 20;

  /** /metrics grows with the scored keys (about 18 MB for 20 000 keys, docs/anomaly-store.md). */
  static final long MAX_METRICS_BYTES = 256L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)}\\s+(\\S+)(\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Set<String> SHOWN =
      Set.of(
          "namespace",
          "app",
          "canaryHash",
          "stableHash",
          "from",
          "to",
          "canary",
          "stable",
          "difference",
          "score",
          "band",
          "topMetrics",
          // Every metric's judgment: --json shows it; the summary keeps to the top ones.
          "metrics",
          "verdict",
          "reason");

  @Spec CommandSpec spec;

  @Option(
      names = "--store",
      required = true,
      paramLabel = "URL",
      description = "Base URL of the anomaly store's HTTP API, e.g. http://localhost:8080.")
  URI store;

  @Option(names = "--namespace", required = true, description = "The application's namespace.")
  String namespace;

  @Option(
      names = "--app",
      required = true,
      description = "The application (value of its app label).")
  String app;

  @Option(
      names = "--canary-hash",
      paramLabel = "HASH",
      description =
          "The canary's pod-template hash. Default: the canary hash of the app that the store"
              + " scored last (read from its /metrics).")
  String canaryHash;

  @Option(
      names = "--range",
      description =
          "Passed to the store: how far back scores count (e.g. 5m). Default: the store's.")
  String range;

  @Option(
      names = "--token",
      description = "Bearer token for the store's API (Authorization header).")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Read the bearer token from this file.")
  Path tokenFile;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      description = "Connect and request timeout. Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Option(
      names = "--json",
      description = "Print the store's answer as it is (JSON) instead of the summary.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StoreClient client;
    try {
      client = new StoreClient(checkedStore(), Durations.parse(timeout), token());
      if (range != null) {
        Durations.parse(range);
      }
    } catch (IllegalArgumentException | IOException e) {
      err.println("error: " + e.getMessage());
      return EXIT_USAGE;
    }
    try {
      String hash = canaryHash;
      if (hash == null) {
        hash = newestCanaryHash(client);
        if (hash == null) {
          out.println(
              "Verdict: INCONCLUSIVE - the store has no current canary score for "
                  + namespace
                  + "/"
                  + app
                  + " (no canary running, or not scored yet)");
          return EXIT_INCONCLUSIVE;
        }
        out.println(
            "canary hash " + hash + " (the one the store scored last; --canary-hash to choose)");
      }
      StoreClient.Answer answer = client.get(verdictPath(hash), MAX_VERDICT_BYTES);
      JsonNode body;
      try {
        body = JSON.readTree(answer.body());
      } catch (JsonProcessingException e) {
        err.println(
            "error: the store answered HTTP "
                + answer.status()
                + " with something that is not JSON: "
                + abbreviate(answer.body()));
        return EXIT_STORE_ERROR;
      }
      if (answer.status() != 200) {
        err.println(
            "error: the store answered HTTP "
                + answer.status()
                + ": "
                + body.path("error").asText(abbreviate(answer.body())));
        return answer.status() == 400 ? EXIT_USAGE : EXIT_STORE_ERROR;
      }
      String verdict = body.path("verdict").asText("");
      int status =
          switch (verdict) {
            case "pass" -> EXIT_PASS;
            case "fail" -> EXIT_FAIL;
            case "inconclusive" -> EXIT_INCONCLUSIVE;
            default -> EXIT_STORE_ERROR;
          };
      if (json) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
      } else {
        print(out, body);
      }
      if (status == EXIT_STORE_ERROR) {
        err.println(
            "error: the store's answer has no known verdict (pass, fail, inconclusive): '"
                + verdict
                + "'");
      }
      return status;
    } catch (StoreClient.StoreException e) {
      err.println("error: " + e.getMessage());
      return EXIT_STORE_ERROR;
    } catch (JsonProcessingException e) {
      err.println("error: " + e.getMessage());
      return EXIT_STORE_ERROR;
    }
  }

  private URI checkedStore() {
    if (store.getScheme() == null
        || !(store.getScheme().equals("http") || store.getScheme().equals("https"))
        || store.getHost() == null) {
      throw new IllegalArgumentException(
          "--store must be an http:// or https:// URL with a host, got " + store);
    }
    return store;
  }

  private String token() throws IOException {
    if (token != null && tokenFile != null) {
      throw new IllegalArgumentException("--token and --token-file are exclusive");
    }
    if (tokenFile != null) {
      String text = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new IllegalArgumentException("--token-file " + tokenFile + " is empty");
      }
      return text;
    }
    return token == null || token.isBlank() ? null : token.strip();
  }

  private String verdictPath(String hash) {
    StringBuilder path =
        new StringBuilder("/api/v1/verdict?namespace=")
            .append(encode(namespace))
            .append("&app=")
            .append(encode(app))
            .append("&hash=")
            .append(encode(hash));
    if (range != null) {
      path.append("&range=").append(encode(range));
    }
    return path.toString();
  }

  /** The canary hash of the app whose newest score is the newest, from the store's /metrics. */
  private String newestCanaryHash(StoreClient client)
      throws StoreClient.StoreException, InterruptedException {
    StoreClient.Answer answer = client.get("/metrics", MAX_METRICS_BYTES);
    if (answer.status() != 200) {
      throw new StoreClient.StoreException(
          "the store's /metrics answered HTTP " + answer.status(), null);
    }
    String newest = null;
    double newestTime = Double.NEGATIVE_INFINITY;
    for (String line : answer.body().split("\n", -1)) {
      if (!line.startsWith(AnomalyScoreCollector.TIMESTAMP + "{")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.strip());
      if (!m.matches() || !m.group(1).equals(AnomalyScoreCollector.TIMESTAMP)) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
      double time;
      try {
        time = Double.parseDouble(m.group(3));
      } catch (NumberFormatException e) {
        continue;
      }
      if (namespace.equals(labels.get("namespace"))
          && app.equals(labels.get("app"))
          && ScoringKey.ROLE_CANARY.equals(labels.get("role"))
          && time > newestTime) {
        newestTime = time;
        newest = labels.get("rollouts_pod_template_hash");
      }
    }
    return newest;
  }

  /** The summary: what the store answered, known fields formatted, unknown ones as they are. */
  static void print(PrintWriter out, JsonNode v) {
    String canary = v.path("canaryHash").asText("?");
    String stable =
        v.path("stableHash").isTextual() ? v.path("stableHash").asText() : "none scored";
    out.printf(
        Locale.ROOT,
        "Verdict: %s - %s%n",
        v.path("verdict").asText("?").toUpperCase(Locale.ROOT),
        v.path("reason").asText("(no reason given)"));
    out.printf(
        Locale.ROOT,
        "  %s/%s  canary %s  stable %s%n",
        v.path("namespace").asText("?"),
        v.path("app").asText("?"),
        canary,
        stable);
    if (v.path("from").isNumber() && v.path("to").isNumber()) {
      out.printf(
          Locale.ROOT,
          "  scores from %s to %s UTC%n",
          TIME.format(Instant.ofEpochMilli(v.path("from").asLong())),
          TIME.format(Instant.ofEpochMilli(v.path("to").asLong())));
    }
    role(out, "canary", v.path("canary"));
    role(out, "stable", v.path("stable"));
    if (v.path("difference").isNumber()) {
      out.printf(
          Locale.ROOT,
          "  difference (canary - stable median): %.2f%n",
          v.path("difference").asDouble());
    }
    if (v.path("score").isNumber()) {
      out.printf(
          Locale.ROOT,
          "  score %.0f/100 (%s band)%n",
          v.path("score").asDouble(),
          v.path("band").asText("?"));
    }
    JsonNode top = v.path("topMetrics");
    if (top.isArray() && top.size() > 0) {
      out.println("  top metrics (canary vs stable, medians over the range):");
      for (JsonNode m : top) {
        String metric = m.path("metric").asText("?");
        String summary = m.path("summary").asText(metric);
        out.printf(
            Locale.ROOT,
            "    %-20s %-7s %s   effect %s noise sd, p=%s   model score %s vs %s   %3.0f%% of the"
                + " blame%n",
            metric,
            m.path("classification").asText("?"),
            summary.startsWith(metric) ? summary.substring(metric.length()).trim() : summary,
            m.path("effect").isNumber()
                ? String.format(Locale.ROOT, "%.1f", m.path("effect").asDouble())
                : "-",
            m.path("pValue").isNumber()
                ? String.format(Locale.ROOT, "%.3g", m.path("pValue").asDouble())
                : "-",
            number(m.path("canaryScore")),
            number(m.path("stableScore")),
            100 * m.path("share").asDouble());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!SHOWN.contains(e.getKey())) {
        JsonNode value = e.getValue();
        out.printf(
            Locale.ROOT,
            "  %s: %s%n",
            e.getKey(),
            value.isTextual() ? value.asText() : value.toString());
      }
    }
  }

  private static void role(PrintWriter out, String name, JsonNode r) {
    if (!r.isObject()) {
      return;
    }
    if (r.path("records").asInt(0) == 0) {
      out.printf(Locale.ROOT, "  %-6s no scores in the range%n", name);
      return;
    }
    out.printf(
        Locale.ROOT,
        "  %-6s median unified score %s (max %s) over %d scores%n",
        name,
        number(r.path("unifiedScore")),
        number(r.path("maxUnifiedScore")),
        r.path("records").asInt());
  }

  private static String number(JsonNode n) {
    return n.isNumber() ? String.format(Locale.ROOT, "%.2f", n.asDouble()) : "-";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }
}
