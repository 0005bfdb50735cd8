package io.dsabench.dashboard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself, before a request reaches the dashboard's handler (a bad URI
 * encoding, an ambiguous {@code %2f}, a URI or header too long, a bad Host): JSON like every other
 * error of the dashboard, with the same security headers, and no server details (no stack, no
 * version, no HTML page).
 */
final class JsonErrorHandler extends ErrorHandler {
  static final String JSON = "application/json; charset=utf-8";

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() < 400 ? 500 : response.getStatus();
    Object message = request.getAttribute(ERROR_MESSAGE);
    byte[] body = body(status, message == null ? null : message.toString());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    securityHeaders(response.getHeaders());
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** {@code {"error": "...", "status": N}}, the shape of every dashboard error. */
  static byte[] body(int status, String reason) {
    String text = HttpStatus.getMessage(status);
    if (reason != null && !reason.isBlank() && !reason.equals(text)) {
      text = text + ": " + reason;
    }
    return ("{\"error\":" + quote("request: " + text) + ",\"status\":" + status + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The page loads nothing from elsewhere, and no answer is to be sniffed as another type. */
  static void securityHeaders(HttpFields.Mutable headers) {
    headers.put(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'");
    headers.put("X-Content-Type-Options", "nosniff");
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f || c > 0x7e) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
