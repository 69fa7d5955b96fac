package dev.floe.core.source;

import dev.floe.core.config.Settings;
import java.time.Duration;
import java.util.Set;

/**
 * How the cron job treats its sources.
 *
 * @param settleTime a spool file or S3 object is taken only once unmodified this long
 * @param leaseTtl an S3 lease whose holder died is taken over after this long; runs must end sooner
 * @param keepDone S3 objects move under {@code done/} after their commit instead of being deleted
 * @param s3DirectGet an S3 prefix's objects are fetched with GETs floe signs and sends over the SDK's
 *     HTTP client (about half the CPU per small object), falling back to the SDK's client for any
 *     answer but a 200; {@code false} sends every GET through the client
 */
public record SourceConfig(Duration settleTime, Duration leaseTtl, boolean keepDone, boolean s3DirectGet) {
  public static final String SETTLE_TIME = "source.settle-time";
  public static final Duration DEFAULT_SETTLE_TIME = Duration.ofSeconds(10);
  public static final String LEASE_TTL = "source.lease-ttl";
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofHours(1);
  public static final String KEEP_DONE = "source.keep-done";
  public static final String S3_DIRECT_GET = "source.s3-direct-get";

  public static Set<String> keys() {
    return Set.of(SETTLE_TIME, LEASE_TTL, KEEP_DONE, S3_DIRECT_GET);
  }

  public static SourceConfig from(Settings settings) {
    return new SourceConfig(
        settings.duration(SETTLE_TIME, DEFAULT_SETTLE_TIME),
        settings.duration(LEASE_TTL, DEFAULT_LEASE_TTL),
        settings.bool(KEEP_DONE, false),
        settings.bool(S3_DIRECT_GET, true));
  }
}
