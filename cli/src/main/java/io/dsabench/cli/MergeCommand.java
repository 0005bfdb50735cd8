package io.dsabench.cli;

import io.dsabench.harness.merge.ShardMerge;
import io.dsabench.model.BadInputException;
import io.dsabench.model.results.ResultsFormatException;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.SweepPoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dsabench merge A.json B.json … --out run.json}. */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    description = {
      "Joins shard results files (dsabench bench --shard I/N) into one run.",
      "Refuses, with exit 2, files of another schema, backend, build or declared sweep, and a"
          + " point that two files both hold.",
      "Points of the declared sweep that no file holds (a lost shard) are listed; the merged file"
          + " is still written, and the exit code is 1.",
      "Each point keeps the device that measured it."
    })
final class MergeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "shard results files")
  List<Path> files;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "merged results")
  Path out;

  @Override
  public Integer call() throws IOException {
    OutputPaths.file("out", out);
    List<ShardMerge.Input> inputs = new ArrayList<>();
    for (Path f : files) {
      try {
        inputs.add(new ShardMerge.Input(f, ResultsIO.read(f)));
      } catch (ResultsFormatException e) {
        throw new BadInputException(e.getMessage(), e);
      }
    }
    List<String> args = new ArrayList<>();
    files.forEach(f -> args.add(f.toString()));
    ShardMerge.Outcome m =
        ShardMerge.merge(inputs, "dsabench merge " + String.join(" ", args) + " --out " + out);
    ResultsIO.write(out, m.results());
    PrintWriter w = spec.commandLine().getOut();
    w.println(
        "merged "
            + files.size()
            + " file(s), "
            + m.results().points().size()
            + " point(s) into "
            + out);
    if (!m.missing().isEmpty()) {
      w.println(m.missing().size() + " point(s) of the declared sweep are missing (lost shard?):");
      for (SweepPoint p : m.missing()) {
        w.println("  missing " + p.key());
      }
      w.flush();
      return Main.FAILED;
    }
    w.flush();
    return Main.OK;
  }
}
