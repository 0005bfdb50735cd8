package io.dsabench.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.server.Request;

/**
 * The Host names the dashboard answers: 127.0.0.1, localhost, [::1], the address it is bound to,
 * and the names given with {@code --allowed-host}. Any other Host is refused before a route runs: a
 * page on another site that rebinds its DNS name to 127.0.0.1 still sends its own name as Host, and
 * must read nothing (the dashboard has no login).
 */
final class HostCheck {
  private final Set<String> allowed;

  private HostCheck(Set<String> allowed) {
    this.allowed = allowed;
  }

  static HostCheck of(String bind, List<String> more) {
    Set<String> a = new LinkedHashSet<>(List.of("127.0.0.1", "localhost", "::1"));
    a.add(normalize(bind));
    for (String h : more) {
      a.add(normalize(h));
    }
    return new HostCheck(a);
  }

  /** Names accepted, as a refusal lists them. */
  List<String> allowed() {
    return new ArrayList<>(allowed);
  }

  /**
   * Throws a 421 unless the request's host (the Host header, or the authority of an absolute
   * request target) is allowed. A request without one (HTTP/1.0) has nothing to rebind.
   */
  void check(Request request) {
    String host = request.getHttpURI().getHost();
    if (host == null || host.isEmpty()) {
      return;
    }
    if (!allowed.contains(normalize(host))) {
      throw ApiException.misdirected(
          "host",
          host,
          "is not a name this dashboard answers to ("
              + String.join(", ", allowed)
              + "; serve --allowed-host NAME adds one)");
    }
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    // "localhost." is the same name as "localhost".
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
