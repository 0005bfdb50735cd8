package io.dsabench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dsabench serve}'s refusals: bad input exits 2 with a message naming value and rule. */
@Timeout(60)
class ServeCommandTest {
  private record Outcome(int exit, String err) {}

  private static Outcome serve(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Outcome(cl.execute(all), err.toString());
  }

  @Test
  void aPortOutOfRangeIsBadInput(@TempDir Path tmp) {
    Outcome o = serve("--port", "99999", "--results", tmp.toString());
    assertThat(o.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(o.err()).contains("dsabench: port: 99999 is not between 0 and 65535");
  }

  @Test
  void aTakenPortIsBadInputNamingTheAddress(@TempDir Path tmp) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Outcome o = serve("--port", Integer.toString(port), "--results", tmp.toString());
      assertThat(o.exit()).isEqualTo(Main.BAD_INPUT);
      assertThat(o.err()).contains("dsabench: port: cannot listen on 127.0.0.1:" + port + " (");
    }
  }

  @Test
  void aBlankBindIsBadInput(@TempDir Path tmp) {
    Outcome o = serve("--bind", " ", "--results", tmp.toString());
    assertThat(o.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(o.err()).contains("dsabench: bind: ' ' is not a host name or address");
  }

  @Test
  void thePublishedRunsAreAlwaysScannedOnce(@TempDir Path tmp) {
    var published = io.dsabench.harness.PublishedRuns.at(tmp.resolve("published"));
    assertThat(ServeCommand.dirs(null, published))
        .containsExactly(Path.of("out"), tmp.resolve("published").toAbsolutePath().normalize());
    // serve --results DIR still reads the published runs, so its verdicts are bench's.
    assertThat(ServeCommand.dirs(java.util.List.of(tmp.resolve("mine")), published))
        .containsExactly(
            tmp.resolve("mine"), tmp.resolve("published").toAbsolutePath().normalize());
    assertThat(ServeCommand.dirs(java.util.List.of(tmp.resolve("published")), published))
        .containsExactly(tmp.resolve("published"));
  }

  @Test
  void resultsNamingAMissingFolderOrAFileIsBadInputAtStartUp(@TempDir Path tmp) throws Exception {
    Path missing = tmp.resolve("nope");
    Outcome m = serve("--port", "0", "--results", missing.toString());
    assertThat(m.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(m.err().strip())
        .isEqualTo("dsabench: results: '" + missing + "' does not exist; give a folder");
    Path file = java.nio.file.Files.writeString(tmp.resolve("results.json"), "{}");
    Outcome f = serve("--port", "0", "--results", file.toString());
    assertThat(f.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(f.err().strip())
        .isEqualTo(
            "dsabench: results: '"
                + file
                + "' is a file, not a folder; give the folder that holds it");
    Outcome size = serve("--port", "0", "--results", tmp.toString(), "--max-results-mb", "0");
    assertThat(size.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(size.err().strip())
        .isEqualTo("dsabench: max-results-mb: 0 is not between 1 and 4096 MiB");
    Outcome host = serve("--port", "0", "--results", tmp.toString(), "--allowed-host", "evil/../x");
    assertThat(host.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(host.err().strip())
        .isEqualTo(
            "dsabench: allowed-host: 'evil/../x' is not a host name (letters, digits, '.', '-',"
                + " ':')");
  }
}
