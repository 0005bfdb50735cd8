package io.dsabench.model.results;

import java.nio.file.Path;

/** A results file that cannot be read: the message names the file and the problem. */
public final class ResultsFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public ResultsFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
