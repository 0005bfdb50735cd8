package io.dsabench.costmodel.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dsabench.model.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a traffic mix from YAML (or JSON, which YAML includes):
 *
 * <pre>
 * name: chat                    # optional label
 * requestsPerSecond: 40         # required, &gt; 0
 * cacheHitRatio: 0.5            # optional, [0, 1), default 0
 * targetUtilization: 0.7        # optional, (0, 1], default 0.7
 * tokensPerDecodeStep: 1.85     # optional, &gt;= 1: 1 + accepted MTP drafts per step
 * prompt:                       # required
 *   distribution: lognormal     # lognormal: median, sigma, max (tokens)
 *   median: 1500
 *   sigma: 1.0
 *   max: 32768
 * output:                       # required
 *   distribution: empirical     # empirical: lengths as [length, weight] pairs
 *   lengths:
 *     - [256, 0.6]
 *     - [1024, 0.4]
 * </pre>
 *
 * Unknown keys are rejected (a typo must not silently fall back to a default). Errors name the
 * file, the field, the value and the rule.
 */
public final class WorkloadFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP =
      Set.of(
          "name",
          "requestsPerSecond",
          "cacheHitRatio",
          "targetUtilization",
          "tokensPerDecodeStep",
          "prompt",
          "output");

  private WorkloadFile() {}

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException "FILE: field: value is not ..." for any bad or missing field
   */
  public static TrafficMix read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new BadInputException("workload: " + file + " does not exist", e);
    } catch (IOException e) {
      throw new BadInputException("workload: " + file + " cannot be read: " + e, e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses workload text (YAML or JSON). */
  public static TrafficMix parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadInputException("not valid YAML or JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new BadInputException("workload: the document is not a mapping of fields");
    }
    unknown(root, TOP, "");
    String name = root.hasNonNull("name") ? root.get("name").asText() : "traffic";
    double rate = number(root, "requestsPerSecond", null);
    double hit = number(root, "cacheHitRatio", 0.0);
    double util = number(root, "targetUtilization", TrafficMix.DEFAULT_TARGET_UTILIZATION);
    Double perStep =
        root.hasNonNull("tokensPerDecodeStep") ? number(root, "tokensPerDecodeStep", null) : null;
    return new TrafficMix(
        name, rate, distribution(root, "prompt"), distribution(root, "output"), hit, util, perStep);
  }

  private static LengthDistribution distribution(JsonNode root, String field) {
    JsonNode d = root.get(field);
    if (d == null || !d.isObject()) {
      throw new BadInputException(field + ": missing; give a lognormal or empirical mapping");
    }
    String kind = d.hasNonNull("distribution") ? d.get("distribution").asText() : "";
    switch (kind) {
      case "lognormal":
        unknown(d, Set.of("distribution", "median", "sigma", "max"), field + ".");
        try {
          double max = number(d, "max", field + ".max", null);
          if (max != Math.rint(max) || max < 1 || max > Integer.MAX_VALUE) {
            throw new BadInputException(
                field + ".max: " + max + " is not a positive whole token count");
          }
          return new LengthDistribution.LogNormal(
              number(d, "median", field + ".median", null),
              number(d, "sigma", field + ".sigma", null),
              (int) max);
        } catch (IllegalArgumentException e) {
          throw prefixed(field, e);
        }
      case "empirical":
        unknown(d, Set.of("distribution", "lengths"), field + ".");
        JsonNode ls = d.get("lengths");
        if (ls == null || !ls.isArray() || ls.isEmpty()) {
          throw new BadInputException(
              field + ".lengths: missing; give a list of [length, weight] pairs");
        }
        List<WeightedLength> out = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
          JsonNode e = ls.get(i);
          String at = field + ".lengths[" + i + "]";
          if (!e.isArray() || e.size() != 2 || !e.get(0).isNumber() || !e.get(1).isNumber()) {
            throw new BadInputException(at + ": " + e + " is not a [length, weight] pair");
          }
          if (!e.get(0).canConvertToInt() || e.get(0).asDouble() != e.get(0).asInt()) {
            throw new BadInputException(
                at + ": length " + e.get(0) + " is not a whole token count");
          }
          try {
            out.add(new WeightedLength(e.get(0).asInt(), e.get(1).asDouble()));
          } catch (IllegalArgumentException x) {
            throw new BadInputException(at + "." + x.getMessage(), x);
          }
        }
        return new LengthDistribution.Empirical(out);
      default:
        throw new BadInputException(
            field + ".distribution: '" + kind + "' is not one of lognormal, empirical");
    }
  }

  private static IllegalArgumentException prefixed(String field, IllegalArgumentException e) {
    String m = e.getMessage();
    return m.startsWith(field + ".") ? e : new BadInputException(field + "." + m, e);
  }

  private static double number(JsonNode n, String key, Double dflt) {
    return number(n, key, key, dflt);
  }

  private static double number(JsonNode n, String key, String path, Double dflt) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      if (dflt == null) {
        throw new BadInputException(path + ": missing; it is required");
      }
      return dflt;
    }
    if (!v.isNumber()) {
      throw new BadInputException(path + ": '" + v.asText() + "' is not a number");
    }
    return v.asDouble();
  }

  private static void unknown(JsonNode n, Set<String> known, String prefix) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new BadInputException(
            prefix
                + f
                + ": is not a known field (known: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }
}
