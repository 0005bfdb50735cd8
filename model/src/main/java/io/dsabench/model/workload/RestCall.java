package io.dsabench.model.workload;

import io.dsabench.model.BadInputException;
import java.util.List;

/**
 * One kernel call of the rest of a layer, with the work it declares: FLOPs and the bytes an ideal
 * kernel moves once (operands, output, scales).
 */
public sealed interface RestCall permits RestCall.Gemm, RestCall.Activation, RestCall.Route {
  /** What the call computes, e.g. {@code q_a} or {@code experts.gate_up}. */
  String name();

  double flops();

  double bytes();

  /**
   * An FP8 GEMM in DeepSeek-V3's recipe, plain (one group) or grouped: e4m3 activations [m, k] with
   * 1×128 fp32 scales, e4m3 weights [groups, n, k] with 128×128 fp32 scales, bf16 out [m, n]. A
   * group without rows reads no weights.
   *
   * @param groupRows rows of each group (one entry for a plain GEMM)
   */
  record Gemm(String name, List<Integer> groupRows, int n, int k) implements RestCall {
    public Gemm {
      named(name);
      groupRows = List.copyOf(groupRows);
      long m = groupRows.stream().mapToLong(Integer::longValue).sum();
      if (groupRows.isEmpty() || groupRows.stream().anyMatch(r -> r < 0) || m == 0) {
        throw new BadInputException(name + ".groupRows: " + groupRows + " holds no rows");
      }
      if (n <= 0 || n % 64 != 0) {
        throw new BadInputException(name + ".n: " + n + " is not a positive multiple of 64");
      }
      if (k <= 0 || k % 128 != 0) {
        throw new BadInputException(name + ".k: " + k + " is not a positive multiple of 128");
      }
    }

    /** A plain GEMM of m rows. */
    public static Gemm plain(String name, int m, int n, int k) {
      return new Gemm(name, List.of(m), n, k);
    }

    public int groups() {
      return groupRows.size();
    }

    public long rows() {
      return groupRows.stream().mapToLong(Integer::longValue).sum();
    }

    @Override
    public double flops() {
      return 2.0 * rows() * n * k;
    }

    @Override
    public double bytes() {
      long used = groupRows.stream().filter(r -> r > 0).count();
      double m = rows();
      // k and n are multiples of 128 and 64: the block counts are exact integers.
      int kBlocks = k / 128;
      int nBlocks = (n + 127) / 128;
      double a = m * k + 4.0 * m * kBlocks;
      double b = (double) used * n * k + 4.0 * used * nBlocks * kBlocks;
      return a + b + 2.0 * m * n;
    }
  }

  /**
   * SiLU(gate)·up of bf16 [m, 2·width] quantized to e4m3 [m, width] with 1×128 scales. Its few
   * FLOPs per element are not counted: it is bound by memory.
   */
  record Activation(String name, int m, int width) implements RestCall {
    public Activation {
      named(name);
      if (m <= 0) {
        throw new BadInputException(name + ".m: " + m + " is not a positive count");
      }
      if (width <= 0 || width % 128 != 0) {
        throw new BadInputException(
            name + ".width: " + width + " is not a positive multiple of 128");
      }
    }

    @Override
    public double flops() {
      return 0;
    }

    @Override
    public double bytes() {
      int blocks = width / 128;
      return 2.0 * m * 2 * width + (double) m * width + 4.0 * m * blocks;
    }
  }

  /**
   * The MoE router: a bf16 GEMM x [m, hidden] · w [experts, hidden]ᵀ, sigmoid, group-limited top-k
   * into fp32 weights and int32 indices.
   */
  record Route(String name, int m, int hidden, int experts, int groups, int topKGroups, int topK)
      implements RestCall {
    public Route {
      named(name);
      if (m <= 0 || hidden <= 0 || experts <= 0 || topK <= 0) {
        throw new BadInputException(
            name
                + ": m "
                + m
                + ", hidden "
                + hidden
                + ", experts "
                + experts
                + ", topK "
                + topK
                + " must be positive");
      }
    }

    @Override
    public double flops() {
      return 2.0 * m * hidden * experts;
    }

    @Override
    public double bytes() {
      return 2.0 * m * hidden + 2.0 * experts * hidden + 4.0 * experts + 8.0 * m * topK;
    }
  }

  private static void named(String name) {
    if (name == null || name.isBlank()) {
      throw new BadInputException("name: a call must be named");
    }
  }
}
