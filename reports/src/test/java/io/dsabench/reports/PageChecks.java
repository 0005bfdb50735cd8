package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** Assertions a report page must pass wherever it was rendered from. */
final class PageChecks {
  private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*['\"]?([^'\")]*)");
  private static final List<String> URL_ATTRIBUTES =
      List.of("src", "href", "srcset", "action", "poster", "data", "xlink:href", "formaction");

  private PageChecks() {}

  /**
   * Everything that could make a browser fetch something: no attribute that loads a resource, no
   * stylesheet link, no CSS url(), no base element, no meta refresh, and no CDN host anywhere.
   */
  static void assertSelfContained(Document doc, String html) {
    List<String> external = new ArrayList<>();
    for (Element e : doc.getAllElements()) {
      for (String attr : URL_ATTRIBUTES) {
        if (e.hasAttr(attr) && !isInPage(e.attr(attr))) {
          external.add("<" + e.tagName() + " " + attr + "=\"" + e.attr(attr) + "\">");
        }
      }
      if (e.hasAttr("style")) {
        cssUrls(e.attr("style"), external);
      }
    }
    for (Element style : doc.select("style")) {
      cssUrls(style.data(), external);
    }
    assertThat(external).as("references that leave the page").isEmpty();
    assertThat(doc.select("link, base, img, iframe, object, embed, meta[http-equiv]")).isEmpty();
    for (Element s : doc.select("script")) {
      assertThat(s.hasAttr("src")).as("a script loaded from a file").isFalse();
    }
    String lower = html.toLowerCase(Locale.ROOT);
    for (String cdn :
        List.of("cdn.", "jsdelivr", "unpkg", "cdnjs", "googleapis", "sourcemappingurl")) {
      assertThat(lower).as("mentions " + cdn).doesNotContain(cdn);
    }
  }

  /** A fragment link (#summary) stays in the page; anything with a scheme or a path does not. */
  private static boolean isInPage(String url) {
    return url.startsWith("#");
  }

  private static void cssUrls(String css, List<String> external) {
    Matcher m = CSS_URL.matcher(css);
    while (m.find()) {
      if (!m.group(1).startsWith("data:")) {
        external.add("url(" + m.group(1) + ")");
      }
    }
  }
}
