package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import java.util.Locale;
import java.util.Optional;

/**
 * Known quirks of S3-compatible stores, applied to every S3 setting the user left unset; an
 * explicit setting always wins over the profile.
 */
public enum S3Profile {
  /** Amazon S3: the AWS SDK's own defaults (region from the SDK's provider chain). */
  AWS(null, null, null, null),
  /**
   * Cloudflare R2: region {@code auto}, path-style addressing, no chunked encoding (R2 has answered
   * it with signature mismatches), and SDK checksums only where an operation requires them (R2 has
   * answered the SDK's default CRC32 uploads with 501 NotImplemented).
   */
  R2("auto", true, false, ChecksumMode.WHEN_REQUIRED),
  /** MinIO: path-style addressing and the region MinIO reports by default. */
  MINIO("us-east-1", true, null, null);

  private final String region;
  private final Boolean pathStyle;
  private final Boolean chunkedEncoding;
  private final ChecksumMode checksumMode;

  S3Profile(String region, Boolean pathStyle, Boolean chunkedEncoding, ChecksumMode checksumMode) {
    this.region = region;
    this.pathStyle = pathStyle;
    this.chunkedEncoding = chunkedEncoding;
    this.checksumMode = checksumMode;
  }

  Optional<String> region() {
    return Optional.ofNullable(region);
  }

  Optional<Boolean> pathStyle() {
    return Optional.ofNullable(pathStyle);
  }

  Optional<Boolean> chunkedEncoding() {
    return Optional.ofNullable(chunkedEncoding);
  }

  /** Both the request checksum calculation and the response checksum validation. */
  Optional<ChecksumMode> checksumMode() {
    return Optional.ofNullable(checksumMode);
  }

  static S3Profile parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "aws" -> AWS;
      case "r2" -> R2;
      case "minio" -> MINIO;
      default -> throw new InvalidConfigException("expected aws, r2 or minio");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
