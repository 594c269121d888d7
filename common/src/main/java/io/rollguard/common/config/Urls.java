package io.rollguard.common.config;

import java.util.regex.Pattern;

/** Hides credentials written into a URL ({@code redis://user:pass@host}) before it is shown. */
final class Urls {

  private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@");

  private Urls() {}

  static String redact(String url) {
    return url == null ? null : USER_INFO.matcher(url).replaceFirst("$1<redacted>@");
  }

  static boolean hasUserInfo(String url) {
    return url != null && USER_INFO.matcher(url).find();
  }
}
