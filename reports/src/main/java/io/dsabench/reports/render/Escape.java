package io.dsabench.reports.render;

/**
 * Escaping for the three contexts a report embeds text in. Everything that comes from a results
 * file (host names, commands, reasons) is untrusted text: it goes through one of these.
 */
public final class Escape {
  private Escape() {}

  /** Text in HTML element content or a double-quoted attribute value. */
  public static String html(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * JSON text made safe inside a {@code <script>} element. Script content is raw text to the HTML
   * parser: entities are not decoded there, and {@code </script} or {@code <!--} would end or
   * confuse the element. JSON's structural characters never include {@code < > &}, so they only
   * occur inside strings, where their {@code \}{@code uXXXX} forms mean the same. U+2028/U+2029 are
   * escaped too: they are legal in JSON strings but line terminators in older JavaScript.
   */
  public static String jsonForScript(String json) {
    StringBuilder out = new StringBuilder(json.length() + 16);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> out.append("\\u003c");
        case '>' -> out.append("\\u003e");
        case '&' -> out.append("\\u0026");
        case '\u2028' -> out.append("\\u2028");
        case '\u2029' -> out.append("\\u2029");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * JavaScript source made safe to inline in a {@code <script>} element: {@code </script} becomes
   * {@code <\/script}, which means the same inside the strings, regular expressions and comments
   * where it can occur in valid code.
   */
  public static String scriptSource(String js) {
    return js.replaceAll("(?i)</(script)", "<\\\\/$1").replace("<!--", "<\\!--");
  }

  /** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
  public static String csv(String s) {
    if (s == null) {
      return "";
    }
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
