package io.rollguard.common.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rollguard.common.payload.ScoringKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ScoringKeyMdcTest {

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  @SuppressWarnings("try") // the resource is the MDC scope itself
  void putsTheFourKeyFieldsAndRemovesThemOnClose() {
    try (ScoringKeyMdc ignored =
        ScoringKeyMdc.put(new ScoringKey("shop", "checkout", "canary", "7d9f8c"))) {
      assertEquals("shop", MDC.get(ScoringKeyMdc.NAMESPACE));
      assertEquals("checkout", MDC.get(ScoringKeyMdc.APP));
      assertEquals("canary", MDC.get(ScoringKeyMdc.ROLE));
      assertEquals("7d9f8c", MDC.get(ScoringKeyMdc.POD_TEMPLATE_HASH));
    }
    assertNull(MDC.get(ScoringKeyMdc.NAMESPACE));
    assertNull(MDC.get(ScoringKeyMdc.POD_TEMPLATE_HASH));
  }

  @Test
  @SuppressWarnings("try") // the resource is the MDC scope itself
  void nestedUseRestoresTheOuterKey() {
    try (ScoringKeyMdc outer = ScoringKeyMdc.put(new ScoringKey("shop", "cart", "stable", "aaa"))) {
      try (ScoringKeyMdc inner =
          ScoringKeyMdc.put(new ScoringKey("shop", "cart", "canary", "bbb"))) {
        assertEquals("canary", MDC.get(ScoringKeyMdc.ROLE));
      }
      assertEquals("stable", MDC.get(ScoringKeyMdc.ROLE));
      assertEquals("aaa", MDC.get(ScoringKeyMdc.POD_TEMPLATE_HASH));
    }
  }
}
