package io.dsabench.costmodel.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.costmodel.cost.SyntheticResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsIOTest {
  private static final Results SYNTHETIC =
      SyntheticResults.of("cuda", "NVIDIA H200", SyntheticResults::linear);

  @Test
  void roundTrip(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("results.json");
    ResultsIO.write(f, SYNTHETIC);
    Results back = ResultsIO.read(f);
    assertThat(back).isEqualTo(SYNTHETIC);
    // The field names are a contract (shared/DESIGN.md).
    String json = Files.readString(f);
    assertThat(json).contains("\"schema\" : \"dsabench.results/v1\"", "\"medianSeconds\"");
    // No temp file is left beside it.
    try (var s = Files.list(dir)) {
      assertThat(s.toList()).containsExactly(f);
    }
  }

  @Test
  void wrongSchemaIsRejectedNamingFileAndProblem(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("other.json");
    Files.writeString(f, "{\"schema\": \"dsabench.results/v0\", \"run\": {}, \"points\": []}");
    assertThatThrownBy(() -> ResultsIO.read(f))
        .isInstanceOf(ResultsFormatException.class)
        .hasMessage(
            f + ": schema \"dsabench.results/v0\" is not the supported \"dsabench.results/v1\"");
  }

  @Test
  void truncatedFileIsRejectedNamingFileAndProblem(@TempDir Path dir) throws Exception {
    Path full = dir.resolve("full.json");
    ResultsIO.write(full, SYNTHETIC);
    byte[] b = Files.readAllBytes(full);
    Path cut = dir.resolve("cut.json");
    Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
    assertThatThrownBy(() -> ResultsIO.read(cut))
        .isInstanceOf(ResultsFormatException.class)
        .hasMessageStartingWith(cut + ": truncated: the JSON ends before it is complete (line ");
    Path empty = dir.resolve("empty.json");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> ResultsIO.read(empty)).hasMessage(empty + ": empty file (truncated?)");
  }
}
