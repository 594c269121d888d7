package io.rollguard.common.vertex;

import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import java.util.Map;

/** A real, valid configuration for runtime tests: the bundled default, without env overrides. */
final class TestConfigs {

  private TestConfigs() {}

  static RollguardConfig valid() {
    try {
      return ConfigLoader.loadDefault(Map.of());
    } catch (ConfigException e) {
      throw new AssertionError("the bundled default configuration must load: " + e.getMessage(), e);
    }
  }
}
