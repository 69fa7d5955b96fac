package dev.floe.core.source;

import dev.floe.core.Batch;
import dev.floe.core.RunLimits;
import dev.floe.core.commit.BatchLedger;
import dev.floe.core.config.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Batch objects under an S3 prefix ({@code s3://bucket/incoming/}), listed and read through the
 * same S3 settings as the table. Objects are taken oldest first once settled; after the commit
 * that holds them they are deleted, or moved under {@code <prefix>done/} when {@code keepDone};
 * an object that cannot be read at all moves under {@code <prefix>failed/} with a reason. floe's
 * own state lives under {@code <prefix>.floe/}: the lease and the claims.
 */
public final class S3PrefixSource implements Source {
  private final S3Client s3;
  private final S3ObjectReader reader;
  private final String bucket;
  private final String prefix;
  private final Duration settleTime;
  private final RunLimits limits;
  private final Duration leaseTtl;
  private final boolean keepDone;
  private final Clock clock;
  private S3Lease lease;
  private Unsettled unsettled = Unsettled.NONE;

  public S3PrefixSource(S3Client s3, String uri, Duration settleTime, RunLimits limits, Duration leaseTtl, boolean keepDone, Clock clock) {
    this(s3, S3ObjectReader.of(s3), uri, settleTime, limits, leaseTtl, keepDone, clock);
  }

  /**
   * As above, with the batches' content read through {@code reader} (the lease, claims, listings
   * and acknowledgements still go through {@code s3}); {@link #close()} closes the reader.
   */
  public S3PrefixSource(S3Client s3, S3ObjectReader reader, String uri, Duration settleTime, RunLimits limits,
      Duration leaseTtl, boolean keepDone, Clock clock) {
    if (!uri.startsWith("s3://") || uri.length() <= 5) {
      throw new InvalidConfigException("Invalid S3 prefix: '" + uri + "' (expected s3://bucket/prefix/)");
    }
    String rest = uri.substring(5);
    int slash = rest.indexOf('/');
    this.bucket = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    this.prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
    this.s3 = s3;
    this.reader = reader;
    this.settleTime = settleTime;
    this.limits = limits;
    this.leaseTtl = leaseTtl;
    this.keepDone = keepDone;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "s3://" + bucket + "/" + prefix;
  }

  @Override
  public Optional<String> key() {
    return Optional.of(BatchLedger.digest(name()).replace('-', 'x').replace('_', 'y'));
  }

  @Override
  public void lock() {
    if (lease == null) {
      lease = S3Lease.acquire(s3, bucket, prefix + ".floe/lease", "floe pid " + ProcessHandle.current().pid(), leaseTtl, clock);
    }
  }

  @Override
  public List<Claim> leftoverClaims() {
    List<Claim> claims = new ArrayList<>();
    for (S3Object object : list(prefix + ".floe/claims/")) {
      if (object.key().endsWith(".claim")) {
        String text = s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asString(StandardCharsets.UTF_8);
        String name = object.key().substring(object.key().lastIndexOf('/') + 1);
        claims.add(ClaimText.parse(name.substring(0, name.length() - ".claim".length()), text, "s3://" + bucket + "/" + object.key()));
      }
    }
    return claims;
  }

  @Override
  public List<Batch> pending() {
    Instant settledBefore = clock.instant().minus(settleTime);
    List<S3Object> candidates = new ArrayList<>();
    List<Instant> settling = new ArrayList<>();
    for (S3Object object : list(prefix)) {
      String relative = object.key().substring(prefix.length());
      boolean ownState = relative.startsWith(".floe/") || relative.startsWith("done/") || relative.startsWith("failed/");
      if (ownState || relative.contains("/") || relative.isEmpty() || !SpoolSource.isFinishedName(java.nio.file.Path.of(relative))) {
        continue;
      }
      if (object.lastModified().isBefore(settledBefore)) {
        candidates.add(object);
      } else {
        settling.add(object.lastModified());
      }
    }
    unsettled = Unsettled.of(settling, settleTime);
    candidates.sort(Comparator.comparing(S3Object::lastModified).thenComparing(S3Object::key));
    List<Batch> batches = new ArrayList<>();
    long bytes = 0;
    for (S3Object object : candidates) {
      if (!batches.isEmpty() && limits.bytesReached(bytes, OptionalLong.of(object.size()))) {
        break;
      }
      bytes += object.size();
      String key = object.key();
      batches.add(Batch.of("s3://" + bucket + "/" + key + ":" + object.size() + ":" + object.eTag(), "s3://" + bucket + "/" + key,
          () -> open(key)).withSize(object.size()));
    }
    return batches;
  }

  @Override
  public Unsettled unsettled() {
    return unsettled;
  }

  /**
   * Opens an object for reading. An object that this run cannot read at all (gone since it was
   * listed, access denied) fails as an {@link IOException}, so that only its batch fails and is set
   * aside; a transient error (throttling, a server error) fails the whole run, to be retried.
   */
  private InputStream open(String key) throws IOException {
    try {
      return reader.open(bucket, key);
    } catch (S3Exception e) {
      int status = e.statusCode();
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        throw new IOException("Cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
      }
      throw e;
    }
  }

  @Override
  public void claim(String claimId, List<Batch> batches) {
    writeClaim(claimId, ClaimText.taken(batches.stream().map(Batch::source).toList()));
  }

  /** One PUT replaces the claim atomically: a reader sees the old text or the new, never a mix. */
  @Override
  public void recordOutcome(String claimId, Claim.Outcome outcome) {
    writeClaim(claimId, ClaimText.outcome(outcome));
  }

  private void writeClaim(String claimId, String text) {
    s3.putObject(b -> b.bucket(bucket).key(prefix + ".floe/claims/" + claimId + ".claim"), RequestBody.fromString(text));
  }

  /**
   * Deletes the acknowledged objects (after copying each under {@code done/} when {@code
   * keepDone}) with one DeleteObjects request per {@value #DELETE_BATCH} keys instead of one
   * request each: a run of 5,000 small objects made 5,000 DELETEs, one after another. A key that
   * is already gone counts as deleted (S3 says so too), so an acknowledgement repeated after a crash
   * is harmless; any other per-key error fails it, naming the key.
   */
  @Override
  public void acknowledge(List<String> batchSources) {
    List<String> keys = new ArrayList<>(batchSources.size());
    for (String source : batchSources) {
      String key = keyOf(source);
      if (!keepDone || copyTo(key, "done/") != null) {
        keys.add(key);
      }
    }
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> chunk = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
          .map(key -> ObjectIdentifier.builder().key(key).build())
          .toList();
      DeleteObjectsResponse response =
          s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(chunk).quiet(true)));
      for (S3Error error : response.errors()) {
        if (!"NoSuchKey".equals(error.code())) {
          throw new IllegalStateException("Cannot delete s3://" + bucket + "/" + error.key() + " after its commit: "
              + error.code() + " " + error.message() + " (the next run skips it as already committed)");
        }
      }
    }
  }

  /** Keys per DeleteObjects request: S3's limit. */
  static final int DELETE_BATCH = 1000;

  @Override
  public void releaseClaim(String claimId) {
    s3.deleteObject(b -> b.bucket(bucket).key(prefix + ".floe/claims/" + claimId + ".claim"));
  }

  @Override
  public void fail(String batchSource, String reason) {
    String key = keyOf(batchSource);
    String target = moveTo(key, "failed/");
    if (target != null) {
      s3.putObject(b -> b.bucket(bucket).key(target + ".reason.txt"), RequestBody.fromString(reason + "\n"));
    }
  }

  /** Copies {@code key} under {@code <prefix><folder>} and deletes it; null when it is already gone. */
  private String moveTo(String key, String folder) {
    String target = copyTo(key, folder);
    if (target != null) {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
    return target;
  }

  /** Copies {@code key} under {@code <prefix><folder>}; null when it is already gone. */
  private String copyTo(String key, String folder) {
    String target = prefix + folder + key.substring(prefix.length());
    try {
      s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(target));
    } catch (NoSuchKeyException e) {
      return null; // Moved by an earlier attempt.
    }
    return target;
  }

  private String keyOf(String source) {
    String start = "s3://" + bucket + "/";
    if (!source.startsWith(start)) {
      throw new IllegalArgumentException("Invalid batch source for " + name() + ": " + source);
    }
    return source.substring(start.length());
  }

  private List<S3Object> list(String under) {
    List<S3Object> objects = new ArrayList<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(under)).contents().forEach(objects::add);
    return objects;
  }

  @Override
  public void close() {
    try {
      if (lease != null) {
        lease.close();
        lease = null;
      }
    } finally {
      reader.close();
    }
  }
}
