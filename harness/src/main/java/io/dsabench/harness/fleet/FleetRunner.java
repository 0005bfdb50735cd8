package io.dsabench.harness.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.SweepPoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.ObjIntConsumer;

/**
 * One host, many GPUs: a {@link FleetWorker} process per device, each pinned with {@code
 * CUDA_VISIBLE_DEVICES}, all pulling points from one queue, so a fast GPU takes more points than a
 * slow one. A worker that dies fails only the point it held; the others drain the queue. Each
 * result carries the device that measured it; every worker's raw JMH JSON is merged into the
 * sweep's {@code jmh.json}.
 *
 * <p>The runner knows nothing of the sweep that uses it: it gets the workers' settings, the devices
 * and two callbacks, so that the sweep above it owns the results file and its listeners.
 */
public final class FleetRunner {
  private static final System.Logger LOG = System.getLogger(FleetRunner.class.getName());

  private static final ObjectMapper JSON =
      ResultsIO.mapper().disable(SerializationFeature.INDENT_OUTPUT);

  private final WorkerConfig settings;
  private final Path outDir;
  private final List<Integer> devices;
  private final BiConsumer<PointResult, Double> record;
  private final ObjIntConsumer<SweepPoint> started;
  private final List<String> lost = new CopyOnWriteArrayList<>();

  /**
   * What a multi-GPU run did.
   *
   * @param devices the devices, {@code index:uuid:name} comma-separated, as the run's {@code
   *     extra.devices} records them
   * @param lost one line per worker that could not start or died ({@code GPU i: why}), empty when
   *     every worker lived to the end
   */
  public record Outcome(String devices, List<String> lost) {
    public Outcome {
      lost = List.copyOf(lost);
    }
  }

  /**
   * @param settings what every worker gets; its directory, device index and UUID are set per GPU
   * @param outDir the sweep's directory: one {@code gpu<i>} folder per worker, the merged JMH files
   * @param devices the host's GPU indexes, one worker each
   * @param record called with every finished point and its wall time (thread-safe)
   * @param started called when a device starts a point, with the device's index (thread-safe)
   */
  public FleetRunner(
      WorkerConfig settings,
      Path outDir,
      List<Integer> devices,
      BiConsumer<PointResult, Double> record,
      ObjIntConsumer<SweepPoint> started) {
    this.settings = settings;
    this.outDir = outDir;
    this.devices = List.copyOf(devices);
    this.record = record;
    this.started = started;
  }

  /** Measures the points on every device; a worker's death is in the outcome, not only a log. */
  public Outcome run(List<SweepPoint> points) throws IOException {
    List<Gpus.Gpu> gpus = Gpus.list();
    ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < points.size(); i++) {
      queue.add(i);
    }
    List<Thread> threads = new ArrayList<>();
    List<String> described = new ArrayList<>();
    for (int device : devices) {
      Gpus.Gpu g = Gpus.byIndex(gpus, device);
      described.add(
          device + ":" + (g == null ? "?" : g.uuid()) + ":" + (g == null ? "?" : g.name()));
      Path dir = outDir.resolve("gpu" + device);
      Files.createDirectories(dir);
      WorkerConfig cfg =
          settings.forDevice(device, g == null ? null : g.uuid(), dir.toAbsolutePath().toString());
      Path cfgFile = dir.resolve("worker.json");
      ResultsIO.writeAtomically(cfgFile, JSON.writeValueAsBytes(cfg));
      Thread t =
          new Thread(() -> drive(device, cfgFile, dir, points, queue), "dsabench-gpu" + device);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // Points no worker could take (every worker died): failed, never dropped.
    Integer left;
    while ((left = queue.poll()) != null) {
      record.accept(
          PointResult.notOk(
              points.get(left), PointStatus.FAILED, "no device worker was left to measure it"),
          0.0);
    }
    mergeJmh();
    return new Outcome(String.join(",", described), lost);
  }

  private void drive(
      int device,
      Path cfgFile,
      Path dir,
      List<SweepPoint> points,
      ConcurrentLinkedQueue<Integer> queue) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(settings.jvmArgs());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(FleetWorker.class.getName());
    cmd.add(cfgFile.toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("CUDA_VISIBLE_DEVICES", String.valueOf(device));
    pb.redirectError(dir.resolve("worker.log").toFile());
    Process proc;
    try {
      proc = pb.start();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "cannot start the worker for GPU " + device + ": " + e, e);
      lost.add("GPU " + device + ": cannot start (" + e.getMessage() + ")");
      return;
    }
    Integer held = null;
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(proc.getOutputStream(), true, StandardCharsets.UTF_8)) {
      DeviceRecord dev = JSON.readValue(await(in, FleetWorker.READY), DeviceRecord.class);
      while ((held = queue.poll()) != null) {
        SweepPoint p = points.get(held);
        started.accept(p, dev.index() == null ? device : dev.index());
        long t0 = System.nanoTime();
        out.println(
            "point "
                + held
                + " "
                + p.phase().id()
                + " "
                + p.variant().id()
                + " "
                + p.position()
                + " "
                + p.tokens());
        PointResult r = JSON.readValue(await(in, FleetWorker.RESULT), PointResult.class);
        held = null;
        record.accept(r, (System.nanoTime() - t0) * 1e-9);
      }
      out.println("quit");
      int exit = proc.waitFor();
      if (exit != 0) {
        lost.add("GPU " + device + ": exited " + exit + "; see " + dir.resolve("worker.log"));
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "the worker for GPU " + device + " died: " + e, e);
      lost.add(
          "GPU " + device + ": died (" + e.getMessage() + "); see " + dir.resolve("worker.log"));
      if (held != null) {
        record.accept(
            PointResult.notOk(
                points.get(held),
                PointStatus.FAILED,
                "the worker for GPU "
                    + device
                    + " died ("
                    + e.getMessage()
                    + "); see "
                    + dir.resolve("worker.log")),
            0.0);
      }
      proc.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      proc.destroy();
    }
  }

  /** The payload of the next line with {@code prefix}; other lines are a library's chatter. */
  private static String await(BufferedReader in, String prefix) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
    }
    throw new IOException("the worker ended before sending " + prefix.trim());
  }

  private void mergeJmh() throws IOException {
    ArrayNode all = JSON.createArrayNode();
    for (int device : devices) {
      Path f = outDir.resolve("gpu" + device).resolve("jmh.json");
      if (Files.exists(f) && Files.size(f) > 0) {
        JsonNode n = JSON.readTree(f.toFile());
        if (n.isArray()) {
          n.forEach(all::add);
        }
      }
    }
    ResultsIO.writeAtomically(outDir.resolve("jmh.json"), JSON.writeValueAsBytes(all));
    StringBuilder log = new StringBuilder();
    for (int device : devices) {
      Path f = outDir.resolve("gpu" + device).resolve("jmh.log");
      if (Files.exists(f)) {
        log.append("######## GPU ").append(device).append('\n').append(Files.readString(f));
      }
    }
    Files.writeString(outDir.resolve("jmh.log"), log.toString());
  }
}
