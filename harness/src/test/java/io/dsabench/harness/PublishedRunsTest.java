package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The published runs are found from the installation, not from the working directory. */
class PublishedRunsTest {
  /** This checkout's, absolute (the tests run in harness/, which has no reports/published). */
  static final Path CHECKOUT = Path.of("..", "reports", "published").toAbsolutePath().normalize();

  @Test
  void theInstallationsFolderIsFoundFromTheCodesLocation() {
    assertThat(Path.of("reports", "published")).doesNotExist();
    PublishedRuns p = PublishedRuns.installed();
    assertThat(p.dir()).isEqualTo(CHECKOUT);
    assertThat(p.foundBy()).isEqualTo("the installation");
    assertThat(p.results("h200")).contains(CHECKOUT.resolve("h200/results.json"));
    assertThat(p.reference("h200")).contains(CHECKOUT.resolve("h200/reference.json"));
    assertThat(p.results("no-such-gpu")).isEmpty();
  }

  @Test
  void aFolderNamedOnTheCommandLineOrAsAPropertyWins() {
    assertThat(PublishedRuns.of(Path.of("elsewhere")).dir())
        .isEqualTo(Path.of("elsewhere").toAbsolutePath());
    assertThat(PublishedRuns.of(null).dir()).isEqualTo(CHECKOUT);
    String before = System.getProperty(PublishedRuns.PROPERTY);
    System.setProperty(PublishedRuns.PROPERTY, "/opt/dsabench/published");
    try {
      assertThat(PublishedRuns.installed().dir()).isEqualTo(Path.of("/opt/dsabench/published"));
    } finally {
      if (before == null) {
        System.clearProperty(PublishedRuns.PROPERTY);
      } else {
        System.setProperty(PublishedRuns.PROPERTY, before);
      }
    }
  }
}
