/**
 * Correctness of the kernels: {@link io.dsabench.kernels.check.KernelCheck} runs every op of a
 * backend and of a reference on the same fresh random inputs and reports, per case, the error, the
 * limit and why a case failed ({@link io.dsabench.kernels.check.CheckReport}); {@code dsabench
 * check} prints that table.
 *
 * <p>Two references: the cpu backend for GPU backends, and for the cpu backend itself {@link
 * io.dsabench.kernels.check.NaiveReference}, the ops written straight from their formulas in
 * float64 with none of the cpu backend's blocking or online softmax. Outputs are pre-filled with
 * NaN (indices with {@code Integer.MIN_VALUE}) so that an element a kernel forgets to write fails
 * like a wrong one; top-k is judged as a set against the logits, so ties may break either way.
 */
package io.dsabench.kernels.check;
