package io.dsabench.harness.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.SweepPoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One conversation with a reference runner (the Python program that calls FlashMLA and PyTorch):
 * reads its hello, hands it points, takes its samples and decides, by dsabench's own {@link
 * StopRule}, when each stage has enough. The protocol is described in the runner's docstring.
 */
public final class ReferenceRunner implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the runner said about itself: versions and the device it sees. */
  public record Hello(
      String python,
      String torch,
      DeviceRecord device,
      Map<String, Map<String, String>> libraries) {}

  /** What happened to one stage of a point. */
  public record StageOutcome(
      Op op,
      PointStatus status,
      String reason,
      List<Double> samples,
      Map<String, String> implementation,
      String stopReason) {}

  /** Thrown when the runner cannot run at all here (no Python, no torch, no GPU). */
  public static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
      super(message);
    }
  }

  private final RunnerChannel channel;
  private final Hello hello;
  private boolean dead;

  private ReferenceRunner(RunnerChannel channel, Hello hello) {
    this.channel = channel;
    this.hello = hello;
  }

  /**
   * Reads the runner's first message.
   *
   * @throws UnavailableException when it reports an error (no torch, no CUDA device) or exits first
   */
  public static ReferenceRunner open(RunnerChannel channel) throws UnavailableException {
    JsonNode first;
    try {
      String line = channel.readLine();
      if (line == null) {
        String why = channel.exitDescription();
        channel.close();
        throw new UnavailableException(
            "the reference runner exited before saying hello (" + why + ")");
      }
      first = JSON.readTree(line);
    } catch (IOException e) {
      channel.close();
      throw new UnavailableException(
          "the reference runner's first line is not JSON: " + e.getMessage());
    }
    String type = first.path("type").asText();
    if ("error".equals(type)) {
      channel.close();
      throw new UnavailableException(first.path("reason").asText("the runner reported an error"));
    }
    if (!"hello".equals(type)) {
      channel.close();
      throw new UnavailableException("the reference runner began with '" + type + "', not hello");
    }
    JsonNode d = first.path("device");
    DeviceRecord device =
        new DeviceRecord(
            d.path("name").asText(null),
            d.path("computeCapability").asText(null),
            d.path("driverVersion").asText(null),
            d.path("smCount").asInt(),
            d.path("memoryBytes").asLong(),
            null,
            d.path("uuid").asText(null));
    Map<String, Map<String, String>> libraries = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : first.path("implementations").properties()) {
      libraries.put(e.getKey(), strings(e.getValue()));
    }
    return new ReferenceRunner(
        channel,
        new Hello(first.path("python").asText(), first.path("torch").asText(), device, libraries));
  }

  public Hello hello() {
    return hello;
  }

  /** Whether the runner has exited (after a death mid-point, a new one must be started). */
  public boolean dead() {
    return dead;
  }

  /**
   * Measures the reference stages of one point.
   *
   * @param tokensPerSeq query tokens per decode sequence (1 outside decode)
   * @param ops the stages to measure, in order
   * @return one outcome per op, in order; ops the runner did not reach (it died) are failed with
   *     its exit code and last stderr lines
   */
  public List<StageOutcome> measure(
      SweepPoint point, int tokensPerSeq, List<Op> ops, StopRule stop, long seed) {
    ObjectNode msg = JSON.createObjectNode();
    msg.put("type", "point");
    msg.put("phase", point.phase().id());
    msg.put("variant", point.variant().id());
    msg.put("position", point.position());
    msg.put("tokens", point.tokens());
    msg.put("tokensPerSeq", tokensPerSeq);
    var opsNode = msg.putArray("ops");
    ops.forEach(o -> opsNode.add(o.id()));
    msg.put("warmupRuns", stop.warmupRuns());
    msg.put("warmupSeconds", stop.warmupSeconds());
    msg.put("seed", seed);
    return exchange(msg, ops, stop);
  }

  /**
   * Measures one layer's rest-of-model ops at a deployment's batch: a point of variant {@code rest}
   * whose {@code rest} field lists each op's calls ({@link RestCalls}) and the library to time them
   * with ({@code torch}: {@code _scaled_mm} with per-tensor scales; {@code deep_gemm}: the 1×128 /
   * 128×128 recipe, skipped with its reason where the runner cannot call it).
   *
   * @return one outcome per op, in order, as {@link #measure}
   */
  public List<StageOutcome> measureRest(
      RestCalls rest, String library, List<Op> ops, StopRule stop, long seed) {
    ObjectNode msg = JSON.createObjectNode();
    msg.put("type", "point");
    msg.put("phase", rest.phase().id());
    msg.put("variant", "rest");
    msg.put("position", 0);
    msg.put("tokens", rest.tokens());
    msg.put("tokensPerSeq", 1);
    var opsNode = msg.putArray("ops");
    ops.forEach(o -> opsNode.add(o.id()));
    ObjectNode r = msg.putObject("rest");
    r.put("library", library);
    r.put("expertParallel", rest.expertParallel());
    r.put("expertsPerGpu", rest.expertsPerGpu());
    r.put("rowsPerExpert", rest.rowsPerExpert());
    ObjectNode calls = r.putObject("calls");
    rest.calls()
        .forEach(
            (op, list) -> {
              if (ops.contains(op)) {
                calls.set(op.id(), JSON.valueToTree(list));
              }
            });
    msg.put("warmupRuns", stop.warmupRuns());
    msg.put("warmupSeconds", stop.warmupSeconds());
    msg.put("seed", seed);
    return exchange(msg, ops, stop);
  }

  private List<StageOutcome> exchange(ObjectNode msg, List<Op> ops, StopRule stop) {
    Map<Op, StageOutcome> done = new LinkedHashMap<>();
    Op current = null;
    List<Double> samples = new ArrayList<>();
    Map<String, String> implementation = null;
    long sampling = 0;
    try {
      channel.writeLine(JSON.writeValueAsString(msg));
      while (true) {
        String line = channel.readLine();
        if (line == null) {
          dead = true;
          String why = "reference runner died: " + channel.exitDescription();
          for (Op op : ops) {
            if (!done.containsKey(op)) {
              done.put(op, failed(op, op == current ? why + " (during " + op.id() + ")" : why));
            }
          }
          break;
        }
        JsonNode m = JSON.readTree(line);
        String type = m.path("type").asText();
        if ("point-done".equals(type)) {
          if (current != null && !done.containsKey(current)) {
            done.put(current, finished(current, samples, implementation, "runner stopped"));
          }
          break;
        }
        if ("stage".equals(type)) {
          if (current != null && !done.containsKey(current)) {
            done.put(current, finished(current, samples, implementation, "runner stopped"));
          }
          current = Op.of(m.path("op").asText());
          samples = new ArrayList<>();
          PointStatus status = PointStatus.of(m.path("status").asText());
          if (status == PointStatus.OK) {
            implementation = strings(m.path("implementation"));
            sampling = System.nanoTime();
          } else {
            done.put(
                current,
                new StageOutcome(
                    current,
                    status,
                    m.path("reason").asText("no reason given"),
                    List.of(),
                    null,
                    null));
          }
          continue;
        }
        if ("sample".equals(type)) {
          Op op = Op.of(m.path("op").asText());
          if (op != current) {
            throw new IOException("sample for " + op.id() + " while measuring " + current);
          }
          samples.add(m.path("seconds").asDouble());
          double[] xs = samples.stream().mapToDouble(Double::doubleValue).toArray();
          String reason = stop.stopReason(xs, (System.nanoTime() - sampling) * 1e-9);
          channel.writeLine(reason == null ? "{\"type\":\"next\"}" : "{\"type\":\"stop\"}");
          if (reason != null) {
            done.put(op, finished(op, samples, implementation, reason));
          }
          continue;
        }
        throw new IOException("unexpected message type '" + type + "'");
      }
    } catch (IOException | IllegalArgumentException e) {
      dead = true;
      String why = "reference runner protocol broke: " + e.getMessage();
      for (Op op : ops) {
        done.putIfAbsent(op, failed(op, why));
      }
    }
    List<StageOutcome> out = new ArrayList<>();
    for (Op op : ops) {
      out.add(done.getOrDefault(op, failed(op, "the runner never reported " + op.id())));
    }
    return out;
  }

  private static StageOutcome finished(
      Op op, List<Double> samples, Map<String, String> implementation, String stopReason) {
    if (samples.isEmpty()) {
      return failed(op, "no samples were taken");
    }
    for (double s : samples) {
      if (!(s > 0) || !Double.isFinite(s)) {
        return failed(op, "a sample of " + s + " s is not a positive time");
      }
    }
    return new StageOutcome(
        op, PointStatus.OK, null, List.copyOf(samples), implementation, stopReason);
  }

  private static StageOutcome failed(Op op, String why) {
    return new StageOutcome(op, PointStatus.FAILED, why, List.of(), null, null);
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isNull() && !e.getValue().asText().isEmpty()) {
        m.put(e.getKey(), e.getValue().asText());
      }
    }
    return m;
  }

  /** Asks the runner to exit and releases it. */
  @Override
  public void close() {
    if (!dead) {
      try {
        channel.writeLine("{\"type\":\"exit\"}");
      } catch (IOException e) {
        // It is gone already.
      }
    }
    channel.close();
  }
}
