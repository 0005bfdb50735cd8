package io.dsabench.model;

/**
 * Input that breaks a rule: a flag, a file or a value that a user gave. The message names the
 * field, the value and the rule ("positions: -4 is not a positive token count"); {@code dsabench}
 * prints it on one line and exits 2. Any other exception that leaves a command is a bug in
 * dsabench, not in the input: exit 1, with the stack trace behind {@code --verbose}.
 *
 * <p>It stays an {@link IllegalArgumentException}, so that code checking arguments in general still
 * catches it; what tells bad input from a bug is this type, never a message.
 */
public class BadInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
