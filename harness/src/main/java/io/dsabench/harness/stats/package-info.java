/**
 * Statistics of timing samples, as nvbench does them: order statistics (median, p10, p90) rather
 * than means, because kernel times are skewed by clock ramps, preemption and the odd slow launch;
 * and a stopping rule that samples until the median's confidence interval is narrow enough or a
 * time cap is hit. Nothing here knows about kernels or JMH.
 */
package io.dsabench.harness.stats;
