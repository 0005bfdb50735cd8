package io.dsabench.harness.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.harness.stage.SessionConfig;
import io.dsabench.harness.stage.StageSamples;
import io.dsabench.model.results.ResultsIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a sweep and its JMH forks exchange in a point's session directory: {@code config.json}
 * (sweep → forks) and one {@code <op>-<pid>.samples.json} per fork (forks → sweep), each written
 * atomically so that a fork killed mid-write leaves no half file.
 */
final class SessionFiles {
  private static final ObjectMapper MAPPER = ResultsIO.mapper();
  static final String CONFIG = "config.json";
  static final String SAMPLES_SUFFIX = ".samples.json";

  private SessionFiles() {}

  static void writeConfig(Path dir, SessionConfig config) throws IOException {
    ResultsIO.writeAtomically(dir.resolve(CONFIG), MAPPER.writeValueAsBytes(config));
  }

  static SessionConfig readConfig(Path dir) {
    try {
      return MAPPER.readValue(dir.resolve(CONFIG).toFile(), SessionConfig.class);
    } catch (IOException e) {
      throw new UncheckedIOException("session: cannot read " + dir.resolve(CONFIG), e);
    }
  }

  static void writeSamples(Path dir, StageSamples samples, long pid) {
    Path file =
        dir.resolve(samples.op().id() + "-" + pid + "-" + System.nanoTime() + SAMPLES_SUFFIX);
    try {
      ResultsIO.writeAtomically(file, MAPPER.writeValueAsBytes(samples));
    } catch (IOException e) {
      throw new UncheckedIOException("session: cannot write " + file, e);
    }
  }

  static List<StageSamples> readSamples(Path dir) throws IOException {
    List<StageSamples> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(SAMPLES_SUFFIX)).sorted().toList()) {
        out.add(MAPPER.readValue(f.toFile(), StageSamples.class));
      }
    }
    return out;
  }
}
