/**
 * GPUs as the cost model sees them, and how a measured kernel time moves between them.
 *
 * <p>A {@link io.dsabench.costmodel.hardware.HardwareProfile} holds vendor peak {@link
 * io.dsabench.costmodel.hardware.Ceilings} (dense bf16 and fp8 FLOP/s, HBM bytes/s), optionally
 * ceilings measured on a real device, and a default price, each with its source. {@link
 * io.dsabench.costmodel.hardware.HardwareProfiles} has the built-in H800, H100 SXM, H200 and B200
 * and maps device names from results files ("NVIDIA H200") to them.
 *
 * <p>{@link io.dsabench.costmodel.hardware.Translator} is the one rule for moving a time from the
 * GPU that measured it to the GPU being costed, a continuous roofline: the measured time times the
 * op's roofline time on the target over its roofline time on the source ({@link
 * io.dsabench.costmodel.hardware.Roofline}: the larger of FLOPs / peak FLOP/s and bytes / peak
 * bandwidth, vendor peaks on both sides). Example: an 8 µs compute-bound bf16 kernel on an H200
 * stays 8 µs on an H800 (same tensor cores); a 10 µs memory-bound one becomes 10 · 4.8/3.35 ≈ 14.3
 * µs; one near the ridge moves by something in between, with no switch.
 *
 * <p>{@link io.dsabench.costmodel.hardware.CeilingCheck} holds measured throughput against the
 * ceilings measured on such a device (else the datasheet's): a stage above them was counted wrong.
 */
package io.dsabench.costmodel.hardware;
