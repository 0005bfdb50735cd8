/**
 * The paper's Figure 3 and how our curves compare with it.
 *
 * <p>{@link io.dsabench.costmodel.reference.Figure3Reference#load()} reads the bundled {@code
 * figure3.csv} (vertices from the PDF's vector paths; comment lines kept as notes): four
 * piecewise-linear curves on H800 at 2 USD per GPU-hour, and the ~6.6K prefill crossover. {@link
 * io.dsabench.costmodel.reference.Figure3Comparison#compare} puts a {@link
 * io.dsabench.costmodel.cost.CostReport} beside it: relative error of each curve at 32K, 64K, 96K,
 * 128K, and the crossover. The comparison says whether the report was priced like the paper; at any
 * other hardware or price it still prints, but the errors then measure the change of setting too.
 */
package io.dsabench.costmodel.reference;
