package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import java.util.Locale;

/**
 * When the AWS SDK computes request checksums or validates response checksums. SDK 2.30 and later
 * default to {@link #WHEN_SUPPORTED}, which adds CRC32 checksums that some S3-compatible stores
 * (Cloudflare R2) have rejected.
 */
public enum ChecksumMode {
  WHEN_SUPPORTED,
  WHEN_REQUIRED;

  static ChecksumMode parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "when_supported" -> WHEN_SUPPORTED;
      case "when_required" -> WHEN_REQUIRED;
      default -> throw new InvalidConfigException("expected when-supported or when-required");
    };
  }

  /** The value the AWS SDK's own settings take, e.g. {@code when_required}. */
  String sdkValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
