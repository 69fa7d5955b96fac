package dev.floe.it.servers;

import dev.floe.core.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A key pair and self-signed certificate for 127.0.0.1 made by the JDK's keytool, as a private CA
 * would issue one for a MinIO: the servers present it, and floe trusts it only through {@code
 * transport.ca-bundle}. The keystore password is random and reaches keytool through its
 * environment, never its command line.
 *
 * @param keystore PKCS12 keystore with the key and certificate, for a TLS server
 * @param password the keystore's (and key's) password
 * @param pem the certificate alone in PEM, the CA bundle a client trusts
 */
public record SelfSignedCertificate(Path keystore, Secret password, Path pem) {
  private static final String ALIAS = "floe-it";
  private static final String PASSWORD_VARIABLE = "FLOE_IT_KEYSTORE_PASSWORD";

  /** Makes {@code dir/<name>.p12} and {@code dir/<name>.pem}, for {@code CN=127.0.0.1}. */
  public static SelfSignedCertificate forLoopback(Path dir, String name) {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    Secret password = Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    Path keystore = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    keytool(
        password,
        "-genkeypair",
        "-alias",
        ALIAS,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "san=ip:127.0.0.1",
        "-validity",
        "7",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass:env",
        PASSWORD_VARIABLE,
        "-keypass:env",
        PASSWORD_VARIABLE);
    keytool(
        password,
        "-exportcert",
        "-rfc",
        "-alias",
        ALIAS,
        "-keystore",
        keystore.toString(),
        "-storepass:env",
        PASSWORD_VARIABLE,
        "-file",
        pem.toString());
    return new SelfSignedCertificate(keystore, password, pem);
  }

  /** A TLS server context presenting this certificate, for a relay in a test. */
  public SSLContext serverContext() {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.reveal().toCharArray());
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password.reveal().toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + keystore, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot load the key in " + keystore, e);
    }
  }

  private static void keytool(Secret password, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put(PASSWORD_VARIABLE, password.reveal());
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running keytool", e);
    }
  }
}
