package io.dsabench.costmodel.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.OpWork;
import org.junit.jupiter.api.Test;

class TranslatorTest {
  @Test
  void computeBoundPointScalesWithFlopsPerSecond() {
    // 1e12 FLOPs over 1e6 bytes: 1.01 ms of bf16 compute on an H200 against 0.2 µs of memory.
    OpWork w = new OpWork(Op.DENSE_PREFILL, 1e12, 1e6);
    Translation t =
        new Translator(HardwareProfiles.H200, HardwareProfiles.B200)
            .translate(w, Precision.BF16, 2e-3);
    assertThat(t.bound()).isEqualTo(Bound.COMPUTE);
    assertThat(t.factor()).isCloseTo(989.5e12 / 2.25e15, within(1e-12));
    assertThat(t.targetSeconds()).isCloseTo(2e-3 * 989.5 / 2250, within(1e-15));
    // fp8 ops are held against the fp8 ceiling.
    Translation f =
        new Translator(HardwareProfiles.H200, HardwareProfiles.B200)
            .translate(new OpWork(Op.INDEXER, 1e12, 1e6), Precision.FP8, 1e-3);
    assertThat(f.factor()).isCloseTo(1979e12 / 4.5e15, within(1e-12));
  }

  @Test
  void memoryBoundPointScalesWithBandwidth() {
    // 1e6 FLOPs over 1e9 bytes: memory-bound anywhere.
    OpWork w = new OpWork(Op.SPARSE_DECODE, 1e6, 1e9);
    Translation t =
        new Translator(HardwareProfiles.H200, HardwareProfiles.H800)
            .translate(w, Precision.BF16, 1e-3);
    assertThat(t.bound()).isEqualTo(Bound.MEMORY);
    assertThat(t.targetSeconds()).isCloseTo(1e-3 * 4.8 / 3.35, within(1e-15));
  }

  @Test
  void nearTheRidgeTheFactorMovesSmoothlyWithNoSwitch() {
    // Dense decode at 1K and 2K as the published H200 run measured it (64 sequences): 1K is
    // memory-bound on both GPUs, 2K compute-bound on the H200 but memory-bound on the H800. A
    // switch on the source's bound scaled 1K by 1.43 and 2K by 1.0; the roofline ratio gives 1.43
    // and 1.37, and anything between for contexts between.
    var wm = io.dsabench.model.workload.WorkloadModel.deepseekV32();
    Translator t = new Translator(HardwareProfiles.H200, HardwareProfiles.H800);
    double previous = Double.NaN;
    for (int p = 1024; p <= 2048; p += 64) {
      var pt =
          new io.dsabench.model.workload.SweepPoint(
              io.dsabench.model.workload.Phase.DECODE,
              io.dsabench.model.workload.Variant.DENSE,
              p,
              64);
      double f = t.factor(wm.work(Op.DENSE_DECODE, pt), Precision.BF16);
      assertThat(f).isBetween(1.0, 4.8 / 3.35 + 1e-12);
      if (!Double.isNaN(previous)) {
        // Neighbours 64 tokens apart never differ by more than a percent: no jump at the ridge.
        assertThat(Math.abs(f - previous)).as("p=%d", p).isLessThan(0.01);
      }
      previous = f;
    }
    assertThat(previous).isCloseTo(1.37, within(0.01));
    // An op whose roofline is compute on the source and memory on the target: 190 FLOP/B sits under
    // the H200's 206 FLOP/B ridge and above the H800's 295, so ratio = (1e9/3.35e12) /
    // (1e9/4.8e12).
    OpWork w = new OpWork(Op.DENSE_DECODE, 190e9, 1e9);
    assertThat(t.factor(w, Precision.BF16)).isCloseTo(4.8 / 3.35, within(1e-12));
    OpWork c = new OpWork(Op.DENSE_DECODE, 250e9, 1e9); // compute on H200, memory on H800
    assertThat(t.factor(c, Precision.BF16))
        .isCloseTo((1e9 / 3.35e12) / (250e9 / 989.5e12), within(1e-12));
  }

  @Test
  void topKWithoutFlopsIsMemoryBound() {
    Translator t = new Translator(HardwareProfiles.H800, HardwareProfiles.H200);
    assertThat(
            Roofline.bound(
                new OpWork(Op.TOPK, 0, 1e6), Precision.BF16, HardwareProfiles.H800.peak()))
        .isEqualTo(Bound.MEMORY);
    assertThat(t.factor(new OpWork(Op.TOPK, 0, 1e6), Precision.BF16))
        .isCloseTo(3.35 / 4.8, within(1e-12));
  }

  @Test
  void profilesByIdAndDeviceName() {
    assertThat(HardwareProfiles.byId("H200")).isSameAs(HardwareProfiles.H200);
    assertThatThrownBy(() -> HardwareProfiles.byId("a100"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hardware: 'a100' is not one of h800, h100, h200, b200");
    assertThat(HardwareProfiles.forDeviceName("NVIDIA H200")).contains(HardwareProfiles.H200);
    assertThat(HardwareProfiles.forDeviceName("NVIDIA H100 80GB HBM3"))
        .contains(HardwareProfiles.H100);
    assertThat(HardwareProfiles.forDeviceName("NVIDIA H100 PCIe")).isEmpty();
    assertThat(HardwareProfiles.forDeviceName("NVIDIA H800")).contains(HardwareProfiles.H800);
    assertThat(HardwareProfiles.forDevice(new DeviceRecord("cpu (16 cores)", null, null, 0, 0)))
        .isEmpty();
    assertThat(HardwareProfiles.forDevice(null)).isEmpty();
  }

  @Test
  void everyDefaultSaysWhereItComesFrom() {
    for (HardwareProfile p : HardwareProfiles.all()) {
      assertThat(p.peak().source()).isNotBlank();
      assertThat(p.priceSource()).isNotBlank();
    }
    assertThat(HardwareProfiles.H200.measuredCeilings()).isPresent();
    assertThat(HardwareProfiles.H200.measured().bf16FlopsPerSecond()).isEqualTo(744e12);
  }

  @Test
  void badNumbersNameFieldValueAndRule() {
    assertThatThrownBy(() -> HardwareProfile.checkPrice(-2))
        .hasMessage(
            "price: '-2' is not a price: a plain decimal of USD per GPU-hour above 0 and at most"
                + " 1000");
    assertThatThrownBy(() -> new Ceilings(0, 1, 1, "x"))
        .hasMessage("bf16FlopsPerSecond: 0.0 is not a positive finite number");
    assertThatThrownBy(() -> HardwareProfiles.H800.peak().withBytesPerSecond(-1))
        .hasMessage("bytesPerSecond: -1.0 is not a positive finite number");
  }
}
