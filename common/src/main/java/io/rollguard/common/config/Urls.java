package io.rollguard.common.config;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Hides credentials written into a URL ({@code redis://user:pass@host}) before it is shown in a
 * message, a log line or a report: the one redactor every module uses.
 */
public final class Urls {

  private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@");

  private Urls() {}

  /** The URL with its user-info part replaced by {@code <redacted>}; null stays null. */
  public static String redact(String url) {
    return url == null ? null : USER_INFO.matcher(url).replaceFirst("$1<redacted>@");
  }

  /** {@link #redact(String)} of a parsed URL. */
  public static String redact(URI url) {
    return redact(url.toString());
  }

  static boolean hasUserInfo(String url) {
    return url != null && USER_INFO.matcher(url).find();
  }
}
