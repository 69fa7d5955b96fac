package dev.floe.cli;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.TlsVerificationException;
import dev.floe.core.config.Settings;

/** Names the endpoint of a failed TLS certificate check, which the JDK's own error does not. */
final class TlsFailures {
  private TlsFailures() {}

  /**
   * {@code error}, or a {@link TlsVerificationException} naming the endpoint when a certificate
   * check failed; {@code settings} may be null when the failure came before they were read.
   */
  static RuntimeException explain(RuntimeException error, Settings settings) {
    if (settings == null || error instanceof TlsVerificationException) {
      return error;
    }
    CatalogConfig config;
    try {
      config = CatalogConfig.from(settings);
    } catch (RuntimeException invalid) {
      // The configuration itself is the error then, and the run already reports it.
      return error;
    }
    return TlsVerificationException.explain(error, config);
  }
}
