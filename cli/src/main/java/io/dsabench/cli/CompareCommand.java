package io.dsabench.cli;

import io.dsabench.harness.compare.CompareRule;
import io.dsabench.harness.compare.Comparison;
import io.dsabench.harness.compare.ReferenceComparison;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsFormatException;
import io.dsabench.model.results.ResultsIO;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dsabench compare BASE NEW}. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Regression verdict between two results files, stage by stage at every shared point.",
      "Rule: change = new median / base median - 1. |change| < --min-effect: same. Otherwise,"
          + " if the base and new p10-p90 intervals do not overlap: regression (slower) or"
          + " faster; if they overlap: ambiguous (listed, does not fail).",
      "A point ok in BASE but skipped or failed in NEW is lost and fails like a regression; so is"
          + " a point NEW's declared sweep holds but its file lacks (an interrupted sweep).",
      "Runs of two backends, or of two GPU models, are refused (exit 2) unless"
          + " --allow-different-devices allows the latter.",
      "With --reference: OURS REF, where REF is a reference run (dsabench reference): per point"
          + " and stage, our median over the reference's and both throughputs, worst first; a"
          + " comparison, not a verdict (exit 0).",
      "Exit: 0 no regression, 1 regression or lost point, 2 bad input."
    })
final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BASE", description = "the baseline results.json")
  Path base;

  @Parameters(index = "1", paramLabel = "NEW", description = "the results.json to judge")
  Path now;

  @Option(
      names = "--min-effect",
      defaultValue = "0.05",
      paramLabel = "F",
      description = "smallest relative change of a median that counts (default: ${DEFAULT-VALUE})")
  double minEffect;

  @Option(
      names = "--allow-different-devices",
      description =
          "compare runs measured on two GPU models (refused by default: the verdict would measure"
              + " the GPU, not the change)")
  boolean allowDifferentDevices;

  @Option(
      names = "--reference",
      description = "BASE is our run and NEW a reference run: print ours against the reference")
  boolean reference;

  @Option(
      names = "--format",
      defaultValue = "text",
      paramLabel = "F",
      description =
          "text (default) or markdown: the verdict line, the regressed points and a compact table"
              + " for a pull request or a CI job summary")
  String format;

  @Override
  public Integer call() {
    CompareRule rule = new CompareRule(minEffect);
    if (!format.equals("text") && !format.equals("markdown")) {
      throw new BadInputException("format: '" + format + "' is not text or markdown");
    }
    if (reference && format.equals("markdown")) {
      throw new BadInputException(
          "format: markdown is for a verdict; --reference prints a comparison as text");
    }
    Results b = read(base);
    Results n = read(now);
    if (reference) {
      String od = b.run().device() == null ? null : b.run().device().name();
      String rd = n.run().device() == null ? null : n.run().device().name();
      if (!allowDifferentDevices && od != null && rd != null && !od.equals(rd)) {
        throw new BadInputException(Comparison.differentDevices(od, rd));
      }
      ReferenceComparison rc = ReferenceComparison.of(b, n);
      PrintWriter out = spec.commandLine().getOut();
      out.println("ours:      " + base + " (" + b.run().id() + ")");
      out.println("reference: " + now + " (" + n.run().id() + ")");
      out.print(rc.table());
      out.flush();
      return Main.OK;
    }
    Comparison c =
        Comparison.of(
            b,
            n,
            rule,
            Comparison.Options.DEFAULT.withAllowDifferentDevices(allowDifferentDevices));
    PrintWriter out = spec.commandLine().getOut();
    if (format.equals("markdown")) {
      out.print(c.markdown(base + " (" + b.run().id() + ")", now + " (" + n.run().id() + ")"));
      out.flush();
      return c.regressed() ? Main.FAILED : Main.OK;
    }
    out.println("base: " + base + " (" + b.run().id() + ")");
    out.println("new:  " + now + " (" + n.run().id() + ")");
    out.print(c.table());
    out.flush();
    return c.regressed() ? Main.FAILED : Main.OK;
  }

  private static Results read(Path file) {
    try {
      return ResultsIO.read(file);
    } catch (ResultsFormatException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }
}
