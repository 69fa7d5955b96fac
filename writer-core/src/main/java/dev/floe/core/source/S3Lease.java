package dev.floe.core.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An exclusive lease on an S3 prefix: an object created with {@code If-None-Match: *} (a
 * conditional PUT that R2, MinIO and S3 support), holding who took it and until when. A lease whose
 * holder died is taken over once it has expired, by deleting it conditionally on its ETag, so two
 * runs that both see it expired cannot both take it.
 */
final class S3Lease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(S3Lease.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String etag;

  private S3Lease(S3Client s3, String bucket, String key, String etag) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.etag = etag;
  }

  static S3Lease acquire(S3Client s3, String bucket, String key, String holder, Duration ttl, Clock clock) {
    for (int attempt = 0; attempt < 2; attempt++) {
      Instant now = clock.instant();
      String body = MAPPER.createObjectNode().put("holder", holder).put("acquired_at", now.toString())
          .put("expires_at", now.plus(ttl).toString()).toString();
      try {
        String etag = s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*").contentType("application/json"),
            RequestBody.fromString(body)).eTag();
        return new S3Lease(s3, bucket, key, etag);
      } catch (S3Exception e) {
        if (e.statusCode() != 412 && e.statusCode() != 409) {
          throw e;
        }
      }
      if (!takeOverIfExpired(s3, bucket, key, now)) {
        break;
      }
    }
    throw new SourceBusyException("Cannot lease s3://" + bucket + "/" + key + ": another floe run holds it");
  }

  /** Deletes the lease if it has expired; true when the caller may try to create it again. */
  private static boolean takeOverIfExpired(S3Client s3, String bucket, String key, Instant now) {
    try {
      var response = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
      JsonNode lease = MAPPER.readTree(response.asByteArray());
      Instant expires = Instant.parse(lease.path("expires_at").asText());
      if (expires.isAfter(now)) {
        return false;
      }
      LOG.warn("Lease s3://{}/{} of {} expired at {}; taking it over", bucket, key, lease.path("holder").asText(), expires);
      s3.deleteObject(b -> b.bucket(bucket).key(key).ifMatch(response.response().eTag()));
      return true;
    } catch (NoSuchKeyException e) {
      return true; // Released meanwhile.
    } catch (IOException | RuntimeException e) {
      if (e instanceof S3Exception s3e && s3e.statusCode() == 412) {
        return false; // Someone else took it over first.
      }
      if (e instanceof S3Exception) {
        throw (S3Exception) e;
      }
      // An unreadable lease is treated as held: never steal what we cannot read.
      LOG.warn("Cannot read lease s3://{}/{}: {}", bucket, key, e.toString());
      return false;
    }
  }

  @Override
  public void close() {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key).ifMatch(etag));
    } catch (S3Exception e) {
      LOG.warn("Cannot release lease s3://{}/{} (it expires by itself): {}", bucket, key, e.getMessage());
    }
  }
}
