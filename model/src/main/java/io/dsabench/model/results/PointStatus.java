package io.dsabench.model.results;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.dsabench.model.BadInputException;
import java.util.Locale;

/** ok: measured; skipped: could not run here (e.g. out of memory); failed: error or NaN. */
public enum PointStatus {
  OK,
  SKIPPED,
  FAILED;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static PointStatus of(String id) {
    for (PointStatus s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new BadInputException("status: '" + id + "' is not one of ok, skipped, failed");
  }
}
