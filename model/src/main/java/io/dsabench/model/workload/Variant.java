package io.dsabench.model.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.dsabench.model.BadInputException;
import java.util.Locale;

/** V3.1-Terminus's dense MLA, or V3.2's DeepSeek Sparse Attention. */
public enum Variant {
  DENSE,
  DSA;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Variant of(String id) {
    for (Variant v : values()) {
      if (v.id().equals(id)) {
        return v;
      }
    }
    throw new BadInputException("variant: '" + id + "' is not one of dense, dsa");
  }
}
