package io.rollguard.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogValuesTest {

  @Test
  void shortValuesAreUnchangedAndLongOnesKeepTheirStartAndLength() {
    assertEquals("checkout", LogValues.truncate("checkout"));
    assertEquals("null", LogValues.truncate(null));
    String exact = "a".repeat(LogValues.MAX_VALUE_CHARS);
    assertEquals(exact, LogValues.truncate(exact));

    String cut = LogValues.truncate("b".repeat(1_048_576));
    assertEquals("b".repeat(LogValues.MAX_VALUE_CHARS) + "…(1048576 chars)", cut);
    assertEquals("abc…(6 chars)", LogValues.truncate("abcdef", 3));
    assertThrows(IllegalArgumentException.class, () -> LogValues.truncate("x", 0));
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    String emoji = "\uD83D\uDE00"; // one code point, two chars
    String value = "a".repeat(LogValues.MAX_VALUE_CHARS - 1) + emoji + "tail";
    String cut = LogValues.truncate(value);
    assertTrue(cut.startsWith("a".repeat(LogValues.MAX_VALUE_CHARS - 1) + "…"), cut);
  }

  @Test
  void messageKeysAreEachTruncatedAndTheirNumberBounded() {
    assertEquals("[shop, checkout]", LogValues.keys(new String[] {"shop", "checkout"}));
    assertEquals("null", LogValues.keys(null));
    String big = LogValues.keys(new String[] {"k".repeat(1_000_000), "app"});
    assertTrue(big.length() < 200, big);
    assertTrue(big.endsWith("…(1000000 chars), app]"), big);
    String many = LogValues.keys(new String[20]);
    assertTrue(many.endsWith(", …(20 keys)]"), many);
  }
}
