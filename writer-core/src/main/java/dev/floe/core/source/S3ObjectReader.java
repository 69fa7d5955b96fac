package dev.floe.core.source;

import java.io.Closeable;
import java.io.InputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * How {@link S3PrefixSource} reads each object's content: one GET per batch, so at thousands of
 * small objects a run its cost per request is the source's cost per batch. It fails as {@code
 * S3Client.getObject} does ({@link S3Exception} with the status, other SDK exceptions for
 * transport errors), so the source tells an unreadable object from a transient failure the same
 * way whichever reader it has.
 */
public interface S3ObjectReader extends Closeable {
  /** The object's content; the caller closes it. */
  InputStream open(String bucket, String key);

  /** Releases what the reader holds of its own (not the client it was given). */
  @Override
  default void close() {}

  /** Every GET through the client's own request path. */
  static S3ObjectReader of(S3Client s3) {
    return (bucket, key) -> s3.getObject(b -> b.bucket(bucket).key(key));
  }
}
