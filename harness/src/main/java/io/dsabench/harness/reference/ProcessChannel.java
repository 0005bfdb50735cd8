package io.dsabench.harness.reference;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reference runner as a subprocess: its stdout is the protocol, its stderr goes to a log file
 * (and its last lines into the reason when it dies).
 */
public final class ProcessChannel implements RunnerChannel {
  private static final int TAIL_LINES = 8;

  private final Process process;
  private final BufferedReader out;
  private final BufferedWriter in;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final Thread stderrPump;

  private ProcessChannel(Process process, Path stderrLog) throws IOException {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    BufferedWriter log =
        stderrLog == null
            ? null
            : Files.newBufferedWriter(
                stderrLog,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    BufferedReader err =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    this.stderrPump =
        new Thread(
            () -> {
              try (err;
                  BufferedWriter l = log) {
                for (String line; (line = err.readLine()) != null; ) {
                  synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > TAIL_LINES) {
                      stderrTail.removeFirst();
                    }
                  }
                  if (l != null) {
                    l.write(line);
                    l.newLine();
                    l.flush();
                  }
                }
              } catch (IOException e) {
                // The runner is gone or the log cannot be written: the tail kept so far stays.
              }
            },
            "reference-runner-stderr");
    stderrPump.setDaemon(true);
    stderrPump.start();
  }

  /**
   * Starts {@code command} (e.g. {@code python3 /tmp/dsabench_reference.py --references DIR}).
   *
   * @param stderrLog file that collects the runner's stderr, or null
   * @throws CannotStartException when the program cannot be started (not installed, not executable)
   * @throws IOException when the stderr log cannot be opened
   */
  public static ProcessChannel start(List<String> command, Path stderrLog) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PYTHONUNBUFFERED", "1");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new CannotStartException(e);
    }
    return new ProcessChannel(p, stderrLog);
  }

  /** The runner's program could not be started at all (no such file, not executable). */
  public static final class CannotStartException extends IOException {
    private static final long serialVersionUID = 1L;

    CannotStartException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  @Override
  public String readLine() throws IOException {
    return out.readLine();
  }

  @Override
  public void writeLine(String line) throws IOException {
    in.write(line);
    in.newLine();
    in.flush();
  }

  @Override
  public String exitDescription() {
    Integer code = null;
    try {
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        code = process.exitValue();
      }
      stderrPump.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String tail;
    synchronized (stderrTail) {
      tail = String.join(" | ", stderrTail);
    }
    return (code == null ? "still running" : "exit code " + code)
        + (tail.isEmpty() ? "" : "; stderr: " + tail);
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // Already closed by a runner that exited.
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
