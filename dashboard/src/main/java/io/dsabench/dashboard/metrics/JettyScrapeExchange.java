package io.dsabench.dashboard.metrics;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * A Jetty 12 core request/response as the Prometheus client's scrape exchange. The body is written
 * through a blocking output stream; the owning handler completes the callback when {@link #close()}
 * has flushed it.
 */
public final class JettyScrapeExchange implements PrometheusHttpExchange {
  private final Request request;
  private final Response response;
  private OutputStream body;

  public JettyScrapeExchange(Request request, Response response) {
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
        var values = request.getHeaders().getValuesList(name);
        return Collections.enumeration(values);
      }

      @Override
      public String getMethod() {
        return request.getMethod();
      }

      @Override
      public String getRequestPath() {
        return Request.getPathInContext(request);
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

  /** Status the scrape handler set (for the request histogram). */
  public int status() {
    return response.getStatus();
  }

  @Override
  public void close() {
    if (body == null) {
      return;
    }
    try {
      body.close();
    } catch (IOException e) {
      // The client went away mid-scrape; nothing left to tell it.
    }
  }
}
