package io.dsabench.costmodel.cost;

import io.dsabench.costmodel.hardware.Ceilings;
import io.dsabench.model.BadInputException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Edits any number of the cost model by name, as {@code dsabench cost --set KEY=VALUE} does. Keys:
 *
 * <ul>
 *   <li>{@code hardware.bf16FlopsPerSecond}, {@code hardware.fp8FlopsPerSecond}, {@code
 *       hardware.bytesPerSecond}: the target GPU's peak ceilings (SI units); {@code
 *       hardware.memoryBytes}: its memory
 *   <li>{@code model.<field>}: any {@link ModelConfig} count, e.g. {@code model.activeExperts}
 *   <li>{@code deployment.prefill.<field>}, {@code deployment.decode.<field>}: any {@link
 *       Deployment} field, e.g. {@code deployment.decode.gemmEfficiency}
 * </ul>
 *
 * Records are rebuilt through their canonical constructors, so every edit passes the same checks as
 * the defaults did.
 */
public final class ParameterOverrides {
  private ParameterOverrides() {}

  /** Every key {@link #apply} accepts, in a stable order. */
  public static List<String> keys() {
    List<String> k = new ArrayList<>();
    k.add("hardware.bf16FlopsPerSecond");
    k.add("hardware.fp8FlopsPerSecond");
    k.add("hardware.bytesPerSecond");
    k.add("hardware.memoryBytes");
    for (RecordComponent c : ModelConfig.class.getRecordComponents()) {
      if (c.getType() == int.class) {
        k.add("model." + c.getName());
      }
    }
    for (String phase : List.of("prefill", "decode")) {
      for (RecordComponent c : Deployment.class.getRecordComponents()) {
        if (c.getType() != io.dsabench.model.workload.Phase.class) {
          k.add("deployment." + phase + "." + c.getName());
        }
      }
    }
    return k;
  }

  /**
   * Applies {@code overrides} (key → value text) in order.
   *
   * @throws IllegalArgumentException "set: 'key' is not a known parameter (known: ...)", or the
   *     value's own rule, e.g. "set deployment.decode.gemmEfficiency: 1.5 is not a fraction in (0,
   *     1]"
   */
  public static CostParameters apply(CostParameters p, Map<String, String> overrides) {
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      p = apply(p, e.getKey(), e.getValue());
    }
    return p;
  }

  /** Applies one override. */
  public static CostParameters apply(CostParameters p, String key, String value) {
    if (!keys().contains(key)) {
      throw new BadInputException(
          "set: '" + key + "' is not a known parameter (known: " + String.join(", ", keys()) + ")");
    }
    try {
      if (key.equals("hardware.memoryBytes")) {
        return p.toBuilder().target(p.target().withMemoryBytes(number(key, value))).build();
      }
      if (key.startsWith("hardware.")) {
        double v = number(key, value);
        Ceilings c = p.target().peak();
        Ceilings n =
            switch (key) {
              case "hardware.bf16FlopsPerSecond" -> c.withBf16(v);
              case "hardware.fp8FlopsPerSecond" -> c.withFp8(v);
              default -> c.withBytesPerSecond(v);
            };
        return p.toBuilder().target(p.target().withPeak(n)).build();
      }
      if (key.startsWith("model.")) {
        return p.toBuilder()
            .model(with(p.model(), key.substring("model.".length()), value, key))
            .build();
      }
      String rest = key.substring("deployment.".length());
      boolean prefill = rest.startsWith("prefill.");
      String field = rest.substring(rest.indexOf('.') + 1);
      return prefill
          ? p.toBuilder().prefill(with(p.prefill(), field, value, key)).build()
          : p.toBuilder().decode(with(p.decode(), field, value, key)).build();
    } catch (IllegalArgumentException x) {
      String m = x.getMessage();
      throw new BadInputException(
          m.startsWith("set ") ? m : "set " + key + ": " + m.substring(m.indexOf(':') + 2), x);
    }
  }

  private static <R extends Record> R with(R record, String field, String value, String key) {
    RecordComponent[] comps = record.getClass().getRecordComponents();
    Object[] args = new Object[comps.length];
    Class<?>[] types = new Class<?>[comps.length];
    try {
      for (int i = 0; i < comps.length; i++) {
        types[i] = comps[i].getType();
        args[i] =
            comps[i].getName().equals(field)
                ? parse(comps[i].getType(), value, key)
                : comps[i].getAccessor().invoke(record);
      }
      @SuppressWarnings("unchecked")
      Constructor<R> ctor = (Constructor<R>) record.getClass().getDeclaredConstructor(types);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object parse(Class<?> type, String value, String key) {
    if (type == int.class) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new BadInputException("set " + key + ": '" + value + "' is not a whole number", e);
      }
    }
    if (type == boolean.class) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw new BadInputException("set " + key + ": '" + value + "' is not true or false");
      }
      return Boolean.parseBoolean(v);
    }
    if (type == String.class) {
      return value;
    }
    return number(key, value);
  }

  private static double number(String key, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new BadInputException("set " + key + ": '" + value + "' is not a number", e);
    }
  }
}
