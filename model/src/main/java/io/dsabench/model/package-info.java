/**
 * The values every module shares. {@code workload}: what is measured (shapes, sweep points, the
 * FLOPs and bytes of each op); {@code results}: the results file every tool reads and writes.
 * {@link io.dsabench.model.BadInputException} is how any module says that the input, not dsabench,
 * is wrong.
 */
package io.dsabench.model;
