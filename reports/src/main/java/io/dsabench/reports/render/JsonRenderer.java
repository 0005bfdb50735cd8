package io.dsabench.reports.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.reports.model.ReportData;
import java.io.UncheckedIOException;

/**
 * {@code report.json}: the report's data as JSON, with the results files' conventions (the same
 * Jackson setup, SI units, enum ids in lower case).
 */
public final class JsonRenderer {
  private static final ObjectMapper PRETTY = ResultsIO.mapper();
  private static final ObjectMapper COMPACT =
      ResultsIO.mapper().disable(SerializationFeature.INDENT_OUTPUT);

  private JsonRenderer() {}

  /** Indented JSON for {@code report.json}. */
  public static String pretty(ReportData data) {
    return write(PRETTY, data) + "\n";
  }

  /** One-line JSON for embedding in the page. */
  public static String compact(ReportData data) {
    return write(COMPACT, data);
  }

  /** Reads a {@code report.json} back (the dashboard and tests do). */
  public static ReportData read(String json) {
    try {
      return PRETTY.readValue(json, ReportData.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("report.json: " + e.getOriginalMessage(), e);
    }
  }

  private static String write(ObjectMapper mapper, ReportData data) {
    try {
      return mapper.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      // Records of strings and numbers always serialize; this would be a bug in the model.
      throw new UncheckedIOException("report data cannot be written as JSON", e);
    }
  }
}
