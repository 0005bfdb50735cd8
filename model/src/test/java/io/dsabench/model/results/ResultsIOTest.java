package io.dsabench.model.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsIOTest {
  static final Path PUBLISHED = Path.of("..", "testdata", "h200-9e2310f");
  private static final Results SYNTHETIC =
      SyntheticResults.of("cuda", "NVIDIA H200", SyntheticResults::linear);

  @Test
  void roundTrip(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("results.json");
    ResultsIO.write(f, SYNTHETIC);
    Results back = ResultsIO.read(f);
    assertThat(back).isEqualTo(SYNTHETIC);
    // The field names are a contract (other tools read them).
    String json = Files.readString(f);
    assertThat(json).contains("\"schema\" : \"dsabench.results/v1\"", "\"medianSeconds\"");
    // No temp file is left beside it.
    try (var s = Files.list(dir)) {
      assertThat(s.toList()).containsExactly(f);
    }
  }

  @Test
  void aWrittenFileHasTheProcessesNormalModeNotOwnerOnly(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX modes");
    // What any file this process creates gets: 0666 less the umask (Files.createFile adds nothing).
    Path plain = Files.createFile(dir.resolve("plain"));
    Path f = dir.resolve("results.json");
    ResultsIO.write(f, SYNTHETIC);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
    // Rewriting (a sweep flushes after every point) keeps it so.
    ResultsIO.write(f, SYNTHETIC);
    assertThat(Files.getPosixFilePermissions(f)).isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @Test
  void tokensPerSequenceIsWrittenAndOldFilesTakeItFromTheirDeclaredSweep(@TempDir Path dir)
      throws Exception {
    Path f = dir.resolve("results.json");
    ResultsIO.write(f, SYNTHETIC);
    assertThat(Files.readString(f)).containsPattern("\"tokens\" : 64,\\s+\"tokensPerSeq\" : 1,");
    // The published companion runs were written before points recorded it: their sweep says 2.
    Results old = ResultsIO.read(PUBLISHED.resolve("decode-2tok-b64.json"));
    assertThat(Files.readString(PUBLISHED.resolve("decode-2tok-b64.json")))
        .doesNotContain("tokensPerSeq\"");
    assertThat(old.points()).allSatisfy(p -> assertThat(p.tokensPerSeq()).isEqualTo(2));
    assertThat(old.points().get(0).point().sequences()).isEqualTo(64);
    // The default sweep named none: one token per decode sequence, the chunk for prefill.
    Results main = ResultsIO.read(PUBLISHED.resolve("results.json"));
    for (PointResult p : main.points()) {
      assertThat(p.tokensPerSeq())
          .as(p.point().key())
          .isEqualTo(p.phase() == io.dsabench.model.workload.Phase.PREFILL ? p.tokens() : 1);
    }
  }

  @Test
  void aDeclaredSweepThatAPointBreaksIsRefusedNamingThePoint(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("results.json");
    String json =
        Files.readString(PUBLISHED.resolve("decode-2tok-b64.json"))
            .replace("decodeTokensPerSeq=2", "decodeTokensPerSeq=3");
    Files.writeString(f, json);
    assertThatThrownBy(() -> ResultsIO.read(f))
        .isInstanceOf(ResultsFormatException.class)
        .hasMessageContaining(
            "point decode/dsa/p=32768/n=128: run.extra.sweep declares decodeTokensPerSeq 3, which"
                + " it breaks: tokensPerSeq: 3 does not divide the 128 decode tokens");
  }

  @Test
  void aDuplicatedPointIsRefusedNamingThePoint(@TempDir Path dir) throws Exception {
    var pts = new java.util.ArrayList<>(SYNTHETIC.points());
    pts.add(pts.get(2));
    Path f = dir.resolve("dup.json");
    ResultsIO.write(f, new Results(SYNTHETIC.run(), pts));
    assertThatThrownBy(() -> ResultsIO.read(f))
        .isInstanceOf(ResultsFormatException.class)
        .hasMessage(
            f
                + ": point prefill/dense/p=65536/n=1024 appears twice (points 2 and 16 of the"
                + " file); each point is measured once, so neither copy can be trusted");
  }

  @Test
  void anOkPointWithoutStagesOrWithoutOneOfItsStagesIsRefusedNamingThePoint(@TempDir Path dir)
      throws Exception {
    var pts = new java.util.ArrayList<>(SYNTHETIC.points());
    PointResult dsa = pts.get(7); // prefill/dsa/p=131072
    pts.set(7, PointResult.ok(dsa.point(), java.util.List.of()));
    Path empty = dir.resolve("empty-stages.json");
    ResultsIO.write(empty, new Results(SYNTHETIC.run(), pts));
    assertThatThrownBy(() -> ResultsIO.read(empty))
        .hasMessage(
            empty
                + ": point prefill/dsa/p=131072/n=1024 is ok but has no stages; an ok point holds"
                + " its stage timings");

    pts.set(7, PointResult.ok(dsa.point(), dsa.stages().subList(0, 2)));
    Path lacking = dir.resolve("lacking.json");
    ResultsIO.write(lacking, new Results(SYNTHETIC.run(), pts));
    assertThatThrownBy(() -> ResultsIO.read(lacking))
        .hasMessage(
            lacking
                + ": point prefill/dsa/p=131072/n=1024 is ok but lacks stage sparse_prefill (a"
                + " prefill/dsa point times indexer, topk, sparse_prefill)");

    var twice = new java.util.ArrayList<>(dsa.stages());
    twice.add(dsa.stages().get(0));
    pts.set(7, PointResult.ok(dsa.point(), twice));
    Path doubled = dir.resolve("doubled.json");
    ResultsIO.write(doubled, new Results(SYNTHETIC.run(), pts));
    assertThatThrownBy(() -> ResultsIO.read(doubled))
        .hasMessage(doubled + ": point prefill/dsa/p=131072/n=1024 has stage indexer twice");
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
