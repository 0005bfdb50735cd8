package io.dsabench.model.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.dsabench.model.BadInputException;
import java.util.Locale;

/** Prefill (a chunk of a prompt) or decode (one new token per sequence). */
public enum Phase {
  PREFILL,
  DECODE;

  /** The name used in results files and on the command line. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code prefill} or {@code decode}; the message names the value and the choices. */
  @JsonCreator
  public static Phase of(String id) {
    for (Phase p : values()) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    throw new BadInputException("phase: '" + id + "' is not one of prefill, decode");
  }
}
