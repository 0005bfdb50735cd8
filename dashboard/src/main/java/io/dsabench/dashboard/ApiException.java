package io.dsabench.dashboard;

/**
 * A request the API refuses: the HTTP status, and for a bad parameter its name, value and rule so
 * that the JSON error body can name all three.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String parameter;
  private final String value;
  private final String rule;

  private ApiException(int status, String message, String parameter, String value, String rule) {
    super(message);
    this.status = status;
    this.parameter = parameter;
    this.value = value;
    this.rule = rule;
  }

  /** 400: {@code parameter: 'value' <rule>}, e.g. "price: '-1' is not a positive USD amount". */
  static ApiException badParameter(String parameter, String value, String rule) {
    return new ApiException(400, parameter + ": '" + value + "' " + rule, parameter, value, rule);
  }

  /** 404 for an id that names nothing, e.g. "run: 'x' is not a known run id". */
  static ApiException notFound(String parameter, String value, String what) {
    return new ApiException(
        404, parameter + ": '" + value + "' is not " + what, parameter, value, "is not " + what);
  }

  /** 421 for a request addressed to a name the dashboard does not answer (DNS rebinding). */
  static ApiException misdirected(String parameter, String value, String rule) {
    return new ApiException(421, parameter + ": '" + value + "' " + rule, parameter, value, rule);
  }

  /** 409/503-style refusals where the request is fine but the data cannot answer it. */
  static ApiException unavailable(int status, String message) {
    return new ApiException(status, message, null, null, null);
  }

  int status() {
    return status;
  }

  String parameter() {
    return parameter;
  }

  String value() {
    return value;
  }

  String rule() {
    return rule;
  }
}
