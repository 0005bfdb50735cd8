package io.dsabench.reports.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EscapeTest {
  @Test
  void htmlEscapesTheFiveSpecialCharacters() {
    assertThat(Escape.html("<a href=\"x\">Tom & 'Jerry'</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    assertThat(Escape.html(null)).isEmpty();
  }

  @Test
  void jsonForScriptCannotCloseTheScriptElement() {
    String json = "{\"host\":\"</script><!-- & \u2028\"}";
    assertThat(Escape.jsonForScript(json))
        .isEqualTo("{\"host\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\"}")
        .doesNotContain("</")
        .doesNotContain("<!--");
  }

  @Test
  void scriptSourceKeepsMeaningButNotTheClosingTag() {
    assertThat(Escape.scriptSource("var s = '</SCRIPT>' + '<!--';"))
        .isEqualTo("var s = '<\\/SCRIPT>' + '<\\!--';");
  }

  @Test
  void csvQuotesOnlyWhatNeedsIt() {
    assertThat(Escape.csv("plain")).isEqualTo("plain");
    assertThat(Escape.csv("a,b")).isEqualTo("\"a,b\"");
    assertThat(Escape.csv("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Escape.csv("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(Escape.csv(null)).isEmpty();
  }
}
