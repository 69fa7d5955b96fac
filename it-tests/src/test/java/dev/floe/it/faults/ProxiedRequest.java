package dev.floe.it.faults;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One request as the relay read it, for a {@link FaultPolicy} to judge. */
public record ProxiedRequest(String method, String target, HttpExchange.Message message) {
  /** {@code POST /v1/[prefix/]namespaces/NS/tables/TABLE}: an Iceberg REST table commit. */
  private static final Pattern COMMIT =
      Pattern.compile("/v1/(?:[^/]+/)?namespaces/[^/]+/tables/[^/?]+");

  private static final Pattern RUN_ID = Pattern.compile("\"floe\\.run-id\"\\s*:\\s*\"([^\"]+)\"");

  static ProxiedRequest of(HttpExchange.Message message) {
    String[] parts = message.startLine().split(" ", 3);
    return new ProxiedRequest(parts[0], parts.length > 1 ? parts[1] : "/", message);
  }

  /** The target without its query string. */
  public String path() {
    int query = target.indexOf('?');
    return query < 0 ? target : target.substring(0, query);
  }

  boolean hasQuery() {
    return target.indexOf('?') >= 0;
  }

  boolean isWrite() {
    return method.equals("PUT") || method.equals("POST") || method.equals("DELETE");
  }

  boolean isTableCommit() {
    return method.equals("POST") && COMMIT.matcher(path()).matches();
  }

  /** The floe run id in a commit's new snapshot summary, or null. */
  String floeRunId() {
    Matcher matcher = RUN_ID.matcher(new String(message.body(), StandardCharsets.UTF_8));
    return matcher.find() ? matcher.group(1) : null;
  }
}
