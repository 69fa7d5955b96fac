package dev.floe.catalog;

import dev.floe.core.config.Settings;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * floe refused a TLS connection because the server's certificate failed verification: no trusted CA
 * signed it, it has expired, or it does not name the host floe connected to. The message names the
 * endpoint and what to do about it. No request was sent over such a connection, so nothing was
 * written through it; retrying does not help until the certificate or the trust changes.
 *
 * <p>The JDK and the HTTP clients report these failures without the endpoint (the AWS SDK says
 * "Unable to execute HTTP request: PKIX path building failed"); {@link #explain} recognises them in
 * an exception's causes and names the endpoint from floe's config.
 */
public final class TlsVerificationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_CAUSES = 32;

  /** Why a certificate failed, each with its own remedy. */
  enum Reason {
    UNTRUSTED,
    EXPIRED,
    WRONG_HOST
  }

  private final Reason reason;

  private TlsVerificationException(String message, Reason reason, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }

  /**
   * {@code error} explained, if a certificate check failed anywhere in its causes while floe talked
   * to {@code endpoint}; otherwise {@code error} itself.
   *
   * @param what the kind of endpoint, e.g. {@code "REST catalog"}, {@code "S3 endpoint"}
   */
  public static RuntimeException explain(
      RuntimeException error, String what, String endpoint, TransportConfig transport) {
    Optional<TlsVerificationException> explained = find(error, TlsVerificationException.class);
    if (explained.isPresent()) {
      return explained.get();
    }
    Optional<Reason> reason = reason(error);
    if (reason.isEmpty()) {
      return error;
    }
    String detail = rootMessage(error);
    String message =
        "Cannot verify the TLS certificate of " + what + " " + endpoint + ": " + detail + "; ";
    message +=
        switch (reason.get()) {
          case UNTRUSTED ->
              transport
                  .caBundle()
                  .map(
                      bundle ->
                          "no CA of the JVM or of "
                              + TransportConfig.CA_BUNDLE
                              + " "
                              + bundle.path()
                              + " signed it; add the CA that issued the server's certificate to the"
                              + " bundle")
                  .orElse(
                      "if the server's certificate is self-signed or issued by a private CA (e.g. a"
                          + " MinIO of your own), set "
                          + TransportConfig.CA_BUNDLE
                          + " ("
                          + Settings.environmentName(TransportConfig.CA_BUNDLE)
                          + ") to that CA's PEM file");
          case EXPIRED ->
              "the certificate is outside its validity period: renew it, or check"
                  + " this machine's clock";
          case WRONG_HOST ->
              "the certificate does not name the host in the URL; floe always verifies host names,"
                  + " so connect by a name or IP address the certificate lists";
        };
    return new TlsVerificationException(message, reason.get(), error);
  }

  /**
   * {@code error} explained for {@code config}: a failure opening the REST catalog is already
   * explained by {@link CatalogFactory#create}, so a certificate failure met later comes from S3.
   * Only when S3 is reached over plain http can it be the catalog's.
   */
  public static RuntimeException explain(RuntimeException error, CatalogConfig config) {
    Optional<URI> s3 = config.s3().endpoint();
    boolean s3Plaintext = s3.isPresent() && "http".equalsIgnoreCase(s3.get().getScheme());
    if (s3Plaintext && config.uri().isPresent()) {
      return explain(error, "REST catalog", config.uri().get().toString(), config.transport());
    }
    return explain(
        error,
        "S3 endpoint",
        s3.map(URI::toString).orElse("(the AWS default)"),
        config.transport());
  }

  /** Why a certificate check failed, if one did anywhere in {@code error}'s causes. */
  static Optional<Reason> reason(Throwable error) {
    Reason found = null;
    for (Throwable cause : causes(error)) {
      if (cause instanceof CertPathValidatorException validator
          && (validator.getReason() == CertPathValidatorException.BasicReason.EXPIRED
              || validator.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
        return Optional.of(Reason.EXPIRED);
      }
      if (cause instanceof CertPathBuilderException
          || cause instanceof CertPathValidatorException) {
        found = Reason.UNTRUSTED;
      } else if (cause instanceof SSLPeerUnverifiedException || namesNoSuchHost(cause)) {
        found = Reason.WRONG_HOST;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The JDK's host name check, which throws a plain CertificateException. */
  private static boolean namesNoSuchHost(Throwable cause) {
    String message = cause.getMessage();
    return cause instanceof CertificateException
        && message != null
        && (message.startsWith("No subject alternative") || message.startsWith("No name matching"));
  }

  private static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
    for (Throwable cause : causes(error)) {
      if (type.isInstance(cause)) {
        return Optional.of(type.cast(cause));
      }
    }
    return Optional.empty();
  }

  private static String rootMessage(Throwable error) {
    String message = null;
    for (Throwable cause : causes(error)) {
      if (cause.getMessage() != null) {
        message = cause.getMessage();
      }
    }
    return message == null ? error.getClass().getSimpleName() : message;
  }

  private static List<Throwable> causes(Throwable error) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    List<Throwable> chain = new ArrayList<>();
    for (Throwable cause = error;
        cause != null && chain.size() < MAX_CAUSES && seen.put(cause, true) == null;
        cause = cause.getCause()) {
      chain.add(cause);
    }
    return chain;
  }
}
