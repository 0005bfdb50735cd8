package io.dsabench.harness.reference;

import java.io.IOException;

/**
 * The line channel to a reference runner: JSON lines out, JSON lines in. {@link ProcessChannel} is
 * the real one (a Python subprocess); tests replay the lines a real GPU run recorded.
 */
public interface RunnerChannel extends AutoCloseable {
  /** The next line from the runner, or null when it has closed its output (exited). */
  String readLine() throws IOException;

  /** Sends one line to the runner. */
  void writeLine(String line) throws IOException;

  /**
   * Why the runner ended, once {@link #readLine()} returned null: its exit code and the last lines
   * it wrote to stderr.
   */
  String exitDescription();

  @Override
  void close();
}
