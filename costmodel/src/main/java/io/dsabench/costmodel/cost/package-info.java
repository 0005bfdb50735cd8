/**
 * Per-position cost: the paper's Figure 3 from our own measurements.
 *
 * <pre>
 * usd_per_million_tokens(p) = 1e6 · price_per_gpu_hour / 3600 · gpu_seconds_per_token(p)
 * gpu_seconds_per_token(p)  = layers · attention(p) + rest_of_model
 * </pre>
 *
 * <ul>
 *   <li>{@link io.dsabench.costmodel.cost.AttentionProfile}: attention seconds per token and layer
 *       vs position, from a results file (stage medians / n at each measured p, linear between,
 *       extrapolation an error or flagged), translated to the target GPU.
 *   <li>{@link io.dsabench.costmodel.cost.RestOfModel}: everything else (MLA and indexer
 *       projections, MoE and shared experts, dense FFN layers, embedding, head, expert-parallel
 *       all-to-all) from {@link io.dsabench.costmodel.cost.ModelConfig} and a {@link
 *       io.dsabench.costmodel.cost.Deployment}, as a three-term roofline with every input visible;
 *       where the results hold a rest-of-model point at the deployment's batch ({@link
 *       io.dsabench.costmodel.cost.RestMeasurement}), the components it measured are priced from it
 *       instead, each {@link io.dsabench.costmodel.cost.Component} keeping its estimate beside the
 *       measurement and naming its source.
 *   <li>{@link io.dsabench.costmodel.cost.CostModel#compute}: the four {@link
 *       io.dsabench.costmodel.cost.Curve}s, the prefill crossover (where V3.2's sparse prefill
 *       beats masked MHA), the parameter table and any calibration step, as a {@link
 *       io.dsabench.costmodel.cost.CostReport}.
 * </ul>
 *
 * <p>Nothing here is fitted behind the user's back: the only calibration ({@value
 * io.dsabench.costmodel.cost.CostModel#CALIBRATION_STEP}) runs when asked, and the report lists its
 * inputs and the factor it chose.
 */
package io.dsabench.costmodel.cost;
