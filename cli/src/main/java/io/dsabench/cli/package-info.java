/**
 * {@code dsabench}, the one command: {@link io.dsabench.cli.Main} and one picocli class per
 * subcommand (bench, check, compare, cost, report, serve, merge). These classes parse options, call
 * the modules' public faces and print; the work lives in the modules.
 *
 * <p>Exit codes are a contract scripts rely on: 0 ok, 1 a regression or a failed check, 2 bad
 * input. Bad input is a {@link io.dsabench.model.BadInputException} whose message names the field,
 * the value and the rule; {@link io.dsabench.cli.Main#commandLine()} maps it to exit 2 and prints
 * the message alone. Any other exception is a bug: exit 1, one line, the trace with --verbose.
 */
package io.dsabench.cli;
