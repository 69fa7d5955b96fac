package dev.floe.core.maintenance;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One spelling per file location, so that what the metadata references and what a listing returns
 * compare equal: {@code s3a://} and {@code s3n://} are {@code s3://}; {@code file:/x}, {@code
 * file:///x} and a bare {@code /x} are {@code file:///x}; schemes are lower-cased. Paths are
 * otherwise left alone ({@code //} inside an object key is a different key).
 */
final class Locations {
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$");

  private Locations() {}

  static String normalize(String location) {
    Matcher matcher = SCHEME.matcher(location);
    if (!matcher.matches()) {
      return "file://" + (location.startsWith("/") ? location : "/" + location);
    }
    String scheme = matcher.group(1).toLowerCase(Locale.ROOT);
    String rest = matcher.group(2);
    if (scheme.equals("s3a") || scheme.equals("s3n")) {
      scheme = "s3";
    }
    String authority = "";
    String path = rest;
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
      path = slash < 0 ? "" : rest.substring(slash);
    }
    if (scheme.equals("file")) {
      // file:/x, file:///x and file://localhost/x all name /x.
      authority = "";
      path = "/" + stripLeadingSlashes(path);
    }
    return scheme + "://" + authority + path;
  }

  private static String stripLeadingSlashes(String path) {
    int start = 0;
    while (start < path.length() && path.charAt(start) == '/') {
      start++;
    }
    return path.substring(start);
  }

  /** {@code location} with exactly one trailing slash, to list what is under it and nothing beside it. */
  static String directory(String location) {
    return location.endsWith("/") ? location : location + "/";
  }
}
