package io.rollguard.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigPartsTest {

  @Test
  void durationsParseCompoundUnits() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(60), Durations.parse("60s"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofDays(8), Durations.parse("8d"));
    assertEquals(Duration.ofDays(14), Durations.parse("2w"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "60", "1.5h", "-1s", "5 m", "1y", "s", "99999999999999999999d"})
  void durationsRefuseAmbiguousText(String text) {
    assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
  }

  @Test
  void durationsFormatForPromQl() {
    assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
    assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
    assertEquals("8d", Durations.format(Duration.ofDays(8)));
    assertEquals("1s500ms", Durations.format(Duration.ofMillis(1500)));
    assertEquals("0s", Durations.format(Duration.ZERO));
  }

  @Test
  void selectorsEscapeValuesAndMatchBothRoles() {
    EntitySettings e =
        new EntitySettings(
            "namespace", "app", "role", "rollouts_pod_template_hash", "stable", "can.ary");
    assertEquals(
        "namespace=\"a\\\"b\",app=\"c\\\\d\",role=~\"stable|can\\\\.ary\"",
        e.selector("a\"b", "c\\d"));
    assertEquals(
        "namespace=\"ns\",label_app=\"x\",label_role=~\"stable|can\\\\.ary\"",
        e.podLabelSelector("ns", "x"));
    assertEquals("namespace=\"ns\"", e.namespaceSelector("ns"));
    assertEquals("namespace,app,role,rollouts_pod_template_hash", e.byClause());
  }

  @Test
  void renderReplacesEveryPlaceholderAndRefusesMissingOnes() {
    MetricSpec m =
        new MetricSpec(
            "rate",
            "sum by ({{by}}) (rate(x{ {{selector}} }[{{ range }}]))",
            "1/s",
            1,
            MetricSpec.Direction.DOWN,
            MetricSpec.Transform.NONE,
            null);
    assertEquals(
        "sum by (a,b) (rate(x{ ns=\"$1\" }[2m]))",
        m.render(Map.of("by", "a,b", "selector", "ns=\"$1\"", "range", "2m")));
    assertThrows(IllegalArgumentException.class, () -> m.render(Map.of("by", "a")));
  }

  @Test
  void secretHidesItsValue() {
    Secret s = new Secret("hunter2");
    assertEquals("hunter2", s.reveal());
    assertFalse(s.toString().contains("hunter2"));
    assertEquals(new Secret("hunter2"), s);
  }
}
