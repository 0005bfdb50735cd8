/**
 * Regression verdicts between two results files: {@link io.dsabench.harness.compare.CompareRule} is
 * the documented rule (minimum effect on the median plus non-overlapping p10–p90 intervals), {@link
 * io.dsabench.harness.compare.Comparison} applies it to every stage of every shared point and
 * prints the table {@code dsabench compare} and {@code make bench} show. It reads nothing but the
 * two files.
 */
package io.dsabench.harness.compare;
