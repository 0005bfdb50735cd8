package io.dsabench.harness.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Plays a recorded runner back: the hello, then for each point dsabench asks for, the messages the
 * real runner sent for that point. Samples the Java side declines (it said "stop" earlier than the
 * recording did) are dropped, as the real runner would never have sent them.
 */
final class ReplayChannel implements RunnerChannel {
  static final String FIXTURE = "/io/dsabench/harness/reference/h200-exchange.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String hello;
  private final Map<String, List<JsonNode>> byPoint = new LinkedHashMap<>();
  private final Deque<String> pending = new ArrayDeque<>();
  final List<JsonNode> received = new ArrayList<>();
  private String currentOp;

  ReplayChannel(UnaryOperator<JsonNode> edit) {
    String h = null;
    String key = null;
    try (InputStream in = ReplayChannel.class.getResourceAsStream(FIXTURE)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode l = JSON.readTree(line);
        JsonNode m = l.get("msg");
        boolean out = "out".equals(l.get("dir").asText());
        String type = m.get("type").asText();
        if (out && "hello".equals(type)) {
          h = m.toString();
        } else if (!out && "point".equals(type)) {
          key = key(m);
          byPoint.put(key, new ArrayList<>());
        } else if (out) {
          JsonNode edited = edit.apply(m);
          if (edited != null) {
            byPoint.get(key).add(edited);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.hello = h;
    pending.add(hello);
  }

  ReplayChannel() {
    this(UnaryOperator.identity());
  }

  static String key(JsonNode point) {
    return point.get("phase").asText()
        + "/"
        + point.get("variant").asText()
        + "/p="
        + point.get("position").asInt()
        + "/n="
        + point.get("tokens").asInt()
        + "/t="
        + point.get("tokensPerSeq").asInt()
        + "/"
        + point.get("ops");
  }

  @Override
  public String readLine() {
    String next = pending.poll();
    if (next != null) {
      JsonNode m = parse(next);
      if ("stage".equals(m.path("type").asText())) {
        currentOp = m.get("op").asText();
      }
    }
    return next;
  }

  @Override
  public void writeLine(String line) throws IOException {
    JsonNode m = JSON.readTree(line);
    received.add(m);
    switch (m.get("type").asText()) {
      case "point" -> {
        List<JsonNode> msgs = byPoint.get(key(m));
        if (msgs == null) {
          throw new IOException("no recorded point " + key(m) + "; recorded: " + byPoint.keySet());
        }
        msgs.forEach(x -> pending.add(x.toString()));
      }
      case "stop" -> {
        while (!pending.isEmpty()) {
          JsonNode head = parse(pending.peek());
          if (!"sample".equals(head.path("type").asText())
              || !head.path("op").asText().equals(currentOp)) {
            break;
          }
          pending.poll();
        }
      }
      default -> {}
    }
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String exitDescription() {
    return "exit code 0";
  }

  @Override
  public void close() {}
}
