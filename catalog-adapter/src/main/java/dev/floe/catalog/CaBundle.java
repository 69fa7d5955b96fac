package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CA certificates of {@value TransportConfig#CA_BUNDLE}: a PEM file of one or more {@code
 * -----BEGIN CERTIFICATE-----} blocks (text between blocks, such as the comments of a system
 * bundle, is ignored). floe trusts them <em>in addition to</em> the JVM's own trust store, so one
 * bundle for a private MinIO or catalog does not cut floe off from public endpoints such as R2.
 * Host names are verified either way.
 *
 * @param path the absolute path the certificates were read from
 * @param certificates in the order of the file, at least one
 */
public record CaBundle(Path path, List<X509Certificate> certificates) {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";
  private static final String CERTIFICATE = "CERTIFICATE";

  public CaBundle {
    Objects.requireNonNull(path, "path");
    certificates = List.copyOf(certificates);
    if (certificates.isEmpty()) {
      throw new InvalidConfigException("A CA bundle needs at least one certificate");
    }
  }

  /**
   * Reads and parses the bundle at {@code path}.
   *
   * @throws IllegalArgumentException {@code Invalid transport.ca-bundle: <path>: <reason>} when the
   *     file is missing, unreadable, or not PEM certificates; the message never quotes the file's
   *     contents
   */
  public static CaBundle load(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    byte[] bytes;
    try {
      if (Files.isDirectory(absolute)) {
        throw invalid(absolute, "it is a directory, not a PEM file");
      }
      if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
        throw invalid(absolute, "not a regular file");
      }
      bytes = Files.readAllBytes(absolute);
    } catch (NoSuchFileException e) {
      throw invalid(absolute, "no such file");
    } catch (AccessDeniedException e) {
      throw invalid(absolute, "cannot read it (permission denied)");
    } catch (IOException e) {
      throw invalid(absolute, "cannot read it (" + e.getClass().getSimpleName() + ")");
    }
    return new CaBundle(absolute, parse(absolute, new String(bytes, StandardCharsets.ISO_8859_1)));
  }

  private static List<X509Certificate> parse(Path path, String text) {
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("Cannot parse X.509 certificates in this JVM", e);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    String label = null;
    StringBuilder base64 = new StringBuilder();
    int block = 0;
    for (String raw : text.split("\r?\n|\r", -1)) {
      String line = raw.strip();
      if (label == null) {
        if (line.startsWith(BEGIN) && line.endsWith(DASHES)) {
          block++;
          label = line.substring(BEGIN.length(), line.length() - DASHES.length());
          if (!label.equals(CERTIFICATE)) {
            // Only the label is named: a private key's body must never reach a message.
            throw invalid(
                path,
                "PEM block "
                    + block
                    + " is a "
                    + label
                    + ", not a CERTIFICATE; the bundle must hold only CA certificates");
          }
          base64.setLength(0);
        }
      } else if (line.startsWith(END)) {
        if (!line.equals(END + CERTIFICATE + DASHES)) {
          throw invalid(
              path, "PEM block " + block + " does not end with -----END CERTIFICATE-----");
        }
        certificates.add(certificate(factory, path, block, base64.toString()));
        label = null;
      } else {
        base64.append(line);
      }
    }
    if (label != null) {
      throw invalid(path, "PEM block " + block + " has no -----END CERTIFICATE----- line");
    }
    if (certificates.isEmpty()) {
      throw invalid(
          path,
          "no PEM certificate in it (expected -----BEGIN CERTIFICATE----- blocks; convert a DER"
              + " file with `openssl x509 -inform der -in FILE -out FILE.pem`)");
    }
    return certificates;
  }

  private static X509Certificate certificate(
      CertificateFactory factory, Path path, int block, String base64) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw invalid(path, "PEM block " + block + " is not valid base64");
    }
    try {
      return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw invalid(path, "PEM block " + block + " is not an X.509 certificate");
    }
  }

  private static InvalidConfigException invalid(Path path, String reason) {
    return new InvalidConfigException(
        "Invalid " + TransportConfig.CA_BUNDLE + ": " + path + ": " + reason);
  }

  /**
   * A trust manager for the JVM's trusted CAs plus this bundle's. It is the JDK's own PKIX trust
   * manager over the union, so certificate path checks, and host name checks when the TLS client
   * asks for them, are the JDK's.
   */
  public X509TrustManager trustManager() {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int index = 0;
      for (X509Certificate ca : jvmTrustManager().getAcceptedIssuers()) {
        anchors.setCertificateEntry("jvm-" + index++, ca);
      }
      index = 0;
      for (X509Certificate ca : certificates) {
        anchors.setCertificateEntry("bundle-" + index++, ca);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      return x509(factory.getTrustManagers());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Cannot build a trust manager for " + path, e);
    }
  }

  /** A TLS client context that trusts {@link #trustManager()}; no client certificate. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot build a TLS context for " + path, e);
    }
  }

  /** The JVM's default trust: its cacerts, or whatever {@code javax.net.ssl.trustStore} names. */
  private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    return x509(factory.getTrustManagers());
  }

  private static X509TrustManager x509(TrustManager[] managers) {
    for (TrustManager manager : managers) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("The JVM offers no X.509 trust manager");
  }

  @Override
  public String toString() {
    int count = certificates.size();
    return path + " (" + count + (count == 1 ? " certificate)" : " certificates)");
  }
}
