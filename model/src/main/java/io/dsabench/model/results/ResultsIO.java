package io.dsabench.model.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.WorkloadModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes results files. Writes are atomic: a temp file beside the target, then rename.
 */
public final class ResultsIO {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Temp file names: unguessable, like {@link Files#createTempFile}'s. */
  private static final SecureRandom RANDOM = new SecureRandom();

  private ResultsIO() {}

  /** The mapper used for results, shared so that every module writes the same JSON. */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  /** Writes {@code results} to {@code file} atomically; readers never see a partial file. */
  public static void write(Path file, Results results) throws IOException {
    writeAtomically(file, MAPPER.writeValueAsBytes(results));
  }

  /**
   * Writes bytes to a temp file in the target's directory, forces them, then renames over it. The
   * file gets the mode any file this process creates gets (0666 less the umask, so readable by the
   * group as usual), not the owner-only 0600 of {@link Files#createTempFile}: a results file is
   * shared with the dashboard and the people who read it.
   */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = null;
    FileChannel ch = null;
    for (int attempt = 0; ch == null; attempt++) {
      tmp =
          dir.resolve(
              "." + file.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong()) + ".tmp");
      try {
        ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw e;
        }
      }
    }
    try {
      try (FileChannel out = ch) {
        out.write(ByteBuffer.wrap(bytes));
        out.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a results file.
   *
   * @throws ResultsFormatException naming the file and the problem: missing, truncated, not JSON,
   *     wrong schema id, a field that breaks its rule, or a point that cannot be used ({@link
   *     #pointProblem})
   */
  public static Results read(Path file) throws ResultsFormatException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ResultsFormatException(file, "no such file", e);
    } catch (IOException e) {
      throw new ResultsFormatException(file, "cannot be read: " + e.getMessage(), e);
    }
    if (bytes.length == 0) {
      throw new ResultsFormatException(file, "empty file (truncated?)", null);
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(bytes);
    } catch (JsonEOFException e) {
      throw new ResultsFormatException(
          file, "truncated: the JSON ends before it is complete (" + location(e) + ")", e);
    } catch (JsonProcessingException e) {
      throw new ResultsFormatException(file, "not valid JSON (" + location(e) + ")", e);
    } catch (IOException e) {
      throw new ResultsFormatException(file, "cannot be parsed: " + e.getMessage(), e);
    }
    JsonNode schema = tree.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw new ResultsFormatException(
          file, "no \"schema\" field; expected \"" + Results.SCHEMA + "\"", null);
    }
    if (!Results.SCHEMA.equals(schema.asText())) {
      throw new ResultsFormatException(
          file,
          "schema \"" + schema.asText() + "\" is not the supported \"" + Results.SCHEMA + "\"",
          null);
    }
    Results results;
    try {
      results = MAPPER.treeToValue(tree, Results.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ResultsFormatException(file, "invalid content: " + cause.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ResultsFormatException(file, "invalid content: " + e.getOriginalMessage(), e);
    }
    String problem = pointProblem(results);
    if (problem != null) {
      throw new ResultsFormatException(file, problem, null);
    }
    return results;
  }

  /**
   * The first point that makes {@code results} unusable, or null: a point held twice (the reader
   * could not tell which to believe), an ok point without stages, or an ok point without one of its
   * variant's stages ({@link WorkloadModel#stages}) that does not list it among its skipped stages
   * with a reason (a reference library that is not installed), or with one stage twice. A stage the
   * variant does not run (another implementation's extra stage) is allowed.
   */
  public static String pointProblem(Results results) {
    Map<String, Integer> seen = new HashMap<>();
    List<PointResult> points = results.points();
    for (int i = 0; i < points.size(); i++) {
      PointResult p = points.get(i);
      String key = p.point().key();
      Integer first = seen.putIfAbsent(key, i);
      if (first != null) {
        return "point "
            + key
            + " appears twice (points "
            + first
            + " and "
            + i
            + " of the file); each point is measured once, so neither copy can be trusted";
      }
      if (p.status() != PointStatus.OK) {
        continue;
      }
      if (p.stages().isEmpty()) {
        return "point " + key + " is ok but has no stages; an ok point holds its stage timings";
      }
      Set<Op> ops = EnumSet.noneOf(Op.class);
      for (StageResult s : p.stages()) {
        if (!ops.add(s.op())) {
          return "point " + key + " has stage " + s.op().id() + " twice";
        }
      }
      List<Op> needed = WorkloadModel.stages(p.phase(), p.variant());
      for (Op op : needed) {
        boolean saysWhy =
            p.skippedStages() != null && p.skippedStages().stream().anyMatch(s -> s.op() == op);
        if (!ops.contains(op) && !saysWhy) {
          return "point "
              + key
              + " is ok but lacks stage "
              + op.id()
              + " (a "
              + p.phase().id()
              + "/"
              + p.variant().id()
              + " point times "
              + String.join(", ", needed.stream().map(Op::id).toList())
              + ")";
        }
      }
    }
    return null;
  }

  /**
   * The results files in {@code dir}, by name: every {@code *.json} whose {@code schema} is {@value
   * Results#SCHEMA}. Other JSON files (raw JMH output, a report's data) are skipped; a file that is
   * not JSON at all is refused, since it may be a results file cut short.
   *
   * @throws ResultsFormatException naming the folder or the file and the problem
   */
  public static List<Path> resultsFilesIn(Path dir) throws ResultsFormatException {
    List<Path> json;
    try (var s = Files.list(dir)) {
      json =
          s.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (NoSuchFileException e) {
      throw new ResultsFormatException(dir, "no such folder", e);
    } catch (IOException e) {
      throw new ResultsFormatException(dir, "cannot be listed: " + e.getMessage(), e);
    }
    List<Path> out = new java.util.ArrayList<>();
    for (Path p : json) {
      JsonNode tree;
      try {
        tree = MAPPER.readTree(Files.readAllBytes(p));
      } catch (JsonProcessingException e) {
        throw new ResultsFormatException(p, "not valid JSON (" + location(e) + ")", e);
      } catch (IOException e) {
        throw new ResultsFormatException(p, "cannot be read: " + e.getMessage(), e);
      }
      JsonNode schema = tree == null ? null : tree.get("schema");
      if (schema != null && Results.SCHEMA.equals(schema.asText())) {
        out.add(p);
      }
    }
    if (out.isEmpty()) {
      throw new ResultsFormatException(
          dir, "holds no " + Results.SCHEMA + " file (*.json with that schema)", null);
    }
    return out;
  }

  private static String location(JsonProcessingException e) {
    var loc = e.getLocation();
    return loc == null
        ? e.getOriginalMessage()
        : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }
}
