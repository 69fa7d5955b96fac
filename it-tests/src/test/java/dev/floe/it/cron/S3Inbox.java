package dev.floe.it.cron;

import dev.floe.core.RunLimits;
import dev.floe.core.source.S3PrefixSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** An S3 prefix on the harness's s3proxy; a batch object appears with one PUT. */
record S3Inbox(S3Client s3, String bucket, String prefix) implements Inbox {
  S3Inbox {
    if (!prefix.endsWith("/")) {
      throw new IllegalArgumentException("Invalid prefix: " + prefix + " (end it with /)");
    }
  }

  String uri() {
    return "s3://" + bucket + "/" + prefix;
  }

  @Override
  public List<String> sourceArgs() {
    return List.of(uri());
  }

  @Override
  public void drop(EventBook.Drop drop) {
    s3.putObject(b -> b.bucket(bucket).key(prefix + drop.name()), RequestBody.fromBytes(drop.content()));
  }

  @Override
  public List<String> waiting() {
    return names("").stream().filter(name -> !name.contains("/")).toList();
  }

  @Override
  public List<String> done() {
    return names("done/");
  }

  @Override
  public List<String> failed() {
    return names("failed/");
  }

  @Override
  public List<String> claimFiles() {
    return names(".floe/claims/");
  }

  @Override
  public List<String> strayLocks() {
    return names(".floe/").stream().filter(name -> name.equals("lease")).toList();
  }

  @Override
  public String sourceKey() {
    return new S3PrefixSource(s3, uri(), Duration.ZERO, RunLimits.defaults(), Duration.ofHours(1), true, Clock.systemUTC())
        .key().orElseThrow();
  }

  /** Keys under {@code prefix + under}, relative to it. */
  private List<String> names(String under) {
    String start = prefix + under;
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(start)).contents().stream()
        .map(S3Object::key).map(key -> key.substring(start.length())).sorted().toList();
  }
}
