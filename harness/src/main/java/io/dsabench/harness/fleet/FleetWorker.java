package io.dsabench.harness.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dsabench.harness.jmh.JmhEngine;
import io.dsabench.harness.jmh.PointMeasurer;
import io.dsabench.kernels.Backend;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.DeviceInfo;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A device worker: one process per GPU, started by {@link FleetRunner} with {@code
 * CUDA_VISIBLE_DEVICES} set to its GPU, so that its backend (and its JMH forks, which inherit the
 * environment) see only that GPU as device 0.
 *
 * <p>Protocol, one line each way: the worker announces {@code @@dsabench-ready <device json>}; the
 * coordinator sends {@code point <index> <phase> <variant> <position> <tokens>}, the worker answers
 * {@code @@dsabench-result <point json>}; {@code quit} or end of input ends it. Other output lines
 * (a library printing to stdout) are ignored by the coordinator.
 */
public final class FleetWorker {
  private static final System.Logger LOG = System.getLogger(FleetWorker.class.getName());

  static final String READY = "@@dsabench-ready ";
  static final String RESULT = "@@dsabench-result ";

  private FleetWorker() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = ResultsIO.mapper().disable(SerializationFeature.INDENT_OUTPUT);
    WorkerConfig cfg = json.readValue(Path.of(args[0]).toFile(), WorkerConfig.class);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    DeviceRecord device;
    try (Backend b = Backends.open(cfg.session().backend())) {
      DeviceInfo i = b.device();
      device =
          new DeviceRecord(
              i.name(),
              i.computeCapability(),
              i.driverVersion(),
              i.smCount(),
              i.memoryBytes(),
              cfg.deviceIndex(),
              cfg.uuid());
    }
    out.println(READY + json.writeValueAsString(device));
    JmhEngine engine =
        new JmhEngine(
            Path.of(cfg.outDir()),
            cfg.session(),
            cfg.forks(),
            cfg.warmupIterations(),
            cfg.iterations(),
            cfg.jvmArgs(),
            cfg.decodeTokensPerSeq());
    PointMeasurer measurer = new PointMeasurer(engine, WorkloadModel.deepseekV32());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] a = line.trim().split(" ");
      if (a.length == 0 || a[0].equals("quit")) {
        break;
      }
      if (!a[0].equals("point") || a.length != 6) {
        LOG.log(System.Logger.Level.WARNING, "worker: ignoring '" + line + "'");
        continue;
      }
      Phase phase = Phase.of(a[2]);
      int n = Integer.parseInt(a[5]);
      SweepPoint p =
          new SweepPoint(
              phase,
              Variant.of(a[3]),
              Integer.parseInt(a[4]),
              n,
              phase == Phase.PREFILL ? n : cfg.decodeTokensPerSeq());
      PointResult r = measurer.measure(Integer.parseInt(a[1]), p);
      PointResult withDevice = r.withDevice(device);
      out.println(RESULT + json.writeValueAsString(withDevice));
    }
    engine.cleanSessions();
  }
}
