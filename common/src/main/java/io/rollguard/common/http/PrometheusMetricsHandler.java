package io.rollguard.common.http;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves a {@link PrometheusRegistry} on Jetty through the Prometheus client's own {@link
 * PrometheusScrapeHandler}, so content negotiation (text, OpenMetrics, protobuf), gzip and the
 * {@code name[]} filter behave exactly as with the client's bundled JDK server; only the transport
 * changes. Answers every path it is given: route it (e.g. {@code /metrics}) in the calling handler.
 */
public final class PrometheusMetricsHandler extends Handler.Abstract {

  private final PrometheusScrapeHandler scrape;

  public PrometheusMetricsHandler(PrometheusRegistry registry) {
    this.scrape = new PrometheusScrapeHandler(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    try (JettyExchange exchange = new JettyExchange(request, response)) {
      scrape.handleRequest(exchange);
    }
    callback.succeeded();
    return true;
  }

  /** The Prometheus client's exchange over one Jetty request and response. */
  private static final class JettyExchange implements PrometheusHttpExchange {
    private final Request request;
    private final Response response;
    private OutputStream body;

    JettyExchange(Request request, Response response) {
      this.request = request;
      this.response = response;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
      return new PrometheusHttpRequest() {
        @Override
        public String getQueryString() {
          return request.getHttpURI().getQuery();
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
          return Collections.enumeration(request.getHeaders().getValuesList(name));
        }

        @Override
        public String getMethod() {
          return request.getMethod();
        }

        @Override
        public String getRequestPath() {
          return request.getHttpURI().getPath();
        }
      };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
      return new PrometheusHttpResponse() {
        @Override
        public void setHeader(String name, String value) {
          response.getHeaders().put(name, value);
        }

        @Override
        public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
          response.setStatus(statusCode);
          if (contentLength > 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, contentLength);
          }
          body = Content.Sink.asOutputStream(response);
          return body;
        }
      };
    }

    @Override
    public void handleException(IOException e) throws IOException {
      throw e;
    }

    @Override
    public void handleException(RuntimeException e) {
      throw e;
    }

    @Override
    public void close() {
      if (body != null) {
        try {
          body.close(); // completes the response (last write)
        } catch (IOException e) {
          // the scraper went away; nothing to answer
        }
      }
    }
  }
}
