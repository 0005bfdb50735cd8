package io.dsabench.kernels.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/** Runs independent tasks 0..n-1 on the backend's own pool; exceptions propagate to the caller. */
final class Parallel {
  private final ForkJoinPool pool;

  Parallel(ForkJoinPool pool) {
    this.pool = pool;
  }

  int parallelism() {
    return pool.getParallelism();
  }

  void forEach(int n, IntConsumer task) {
    if (n <= 0) {
      return;
    }
    if (n == 1 || pool.getParallelism() == 1) {
      for (int i = 0; i < n; i++) {
        task.accept(i);
      }
      return;
    }
    pool.invoke(new Range(0, n, task));
  }

  private static final class Range extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final int from;
    private final int to;
    private final transient IntConsumer task;

    Range(int from, int to, IntConsumer task) {
      this.from = from;
      this.to = to;
      this.task = task;
    }

    @Override
    protected void compute() {
      if (to - from == 1) {
        task.accept(from);
        return;
      }
      int mid = (from + to) >>> 1;
      invokeAll(new Range(from, mid, task), new Range(mid, to, task));
    }
  }
}
