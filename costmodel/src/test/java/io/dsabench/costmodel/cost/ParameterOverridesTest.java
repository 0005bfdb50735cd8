package io.dsabench.costmodel.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.model.results.SyntheticResults;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterOverridesTest {
  @Test
  void editsAnyNumberByNameAndThePrintedSourceSaysSo() {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("deployment.decode.gemmEfficiency", "0.3");
    set.put("deployment.prefill.expertParallel", "64");
    set.put("deployment.decode.overlapCommunication", "false");
    set.put("model.activeExperts", "6");
    set.put("hardware.bytesPerSecond", "4e12");
    CostParameters p = ParameterOverrides.apply(CostParameters.defaults(), set);
    assertThat(p.decode().gemmEfficiency()).isEqualTo(0.3);
    assertThat(p.prefill().expertParallel()).isEqualTo(64);
    assertThat(p.decode().overlapCommunication()).isFalse();
    assertThat(p.model().activeExperts()).isEqualTo(6);
    assertThat(p.target().peak().bytesPerSecond()).isEqualTo(4e12);
    assertThat(p.target().peak().source()).endsWith("; bandwidth overridden");
    CostReport r = CostModel.compute(SyntheticResults.of("cpu", null, SyntheticResults::linear), p);
    Parameter eff =
        r.parameterTable().stream()
            .filter(x -> x.name().equals("deployment.decode.gemmEfficiency"))
            .findFirst()
            .get();
    assertThat(eff.value()).isEqualTo("0.3000");
    assertThat(eff.source()).isEqualTo("--set (default 0.2500)");
  }

  @Test
  void badKeysAndValuesNameTheKeyValueAndRule() {
    CostParameters d = CostParameters.defaults();
    assertThatThrownBy(() -> ParameterOverrides.apply(d, "deployment.decode.gemmEfficiency", "1.5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("set deployment.decode.gemmEfficiency: 1.5 is not a fraction in (0, 1]");
    assertThatThrownBy(() -> ParameterOverrides.apply(d, "model.layers", "six"))
        .hasMessage("set model.layers: 'six' is not a whole number");
    assertThatThrownBy(() -> ParameterOverrides.apply(d, "hardware.bf16FlopsPerSecond", "-1"))
        .hasMessage("set hardware.bf16FlopsPerSecond: -1.0 is not a positive finite number");
    assertThatThrownBy(() -> ParameterOverrides.apply(d, "deployment.decode.speed", "1"))
        .hasMessageStartingWith(
            "set: 'deployment.decode.speed' is not a known parameter (known:"
                + " hardware.bf16FlopsPerSecond, ");
  }
}
