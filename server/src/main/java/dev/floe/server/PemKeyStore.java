package dev.floe.server;

import dev.floe.core.config.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A key store in memory from the PEM files a TLS server is usually given: a chain and its key. */
final class PemKeyStore {
  static final char[] PASSWORD = new char[0];
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----", Pattern.DOTALL);

  private PemKeyStore() {}

  static KeyStore load(ServeConfig.Tls tls) {
    try {
      Collection<? extends Certificate> chain;
      try (InputStream in = Files.newInputStream(tls.certificateChain())) {
        chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (chain.isEmpty()) {
        throw new InvalidConfigException("Invalid value for " + ServeConfig.TLS_CERT_FILE + ": "
            + tls.certificateChain() + " holds no PEM certificate");
      }
      PrivateKey key = privateKey(tls.privateKey(), chain.iterator().next().getPublicKey().getAlgorithm());
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("floe-serve", key, PASSWORD, chain.toArray(Certificate[]::new));
      return store;
    } catch (IOException e) {
      throw new InvalidConfigException("Invalid TLS settings: cannot read " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new InvalidConfigException("Invalid TLS settings: " + tls.certificateChain() + " and " + tls.privateKey()
          + " do not make a key store (" + e.getMessage() + ")", e);
    }
  }

  private static PrivateKey privateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher pem = PKCS8.matcher(text);
    if (!pem.find()) {
      // Never quote the file: it is a secret.
      throw new InvalidConfigException("Invalid value for " + ServeConfig.TLS_KEY_FILE + ": " + file
          + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert one with"
          + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
  }
}
