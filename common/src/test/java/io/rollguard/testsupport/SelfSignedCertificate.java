package io.rollguard.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code 127.0.0.1}/{@code localhost}, made with the {@code openssl}
 * binary, for TLS tests of the real servers. The certificate is its own CA: pass {@link
 * #certFile()} as the client's CA file.
 */
public record SelfSignedCertificate(Path certFile, Path keyFile) {

  /** Found on the PATH (or through {@code ROLLGUARD_OPENSSL_BIN}). */
  public static final String OPENSSL = "openssl";

  /** Writes {@code cert.pem} and {@code key.pem} into {@code dir}. */
  public static SelfSignedCertificate generate(Path dir) {
    Path openssl = ExternalBinary.require(OPENSSL);
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Path log = dir.resolve("openssl.log");
    try {
      Files.createDirectories(dir);
      Process run =
          ExternalBinary.launch(
              List.of(
                  openssl.toString(),
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-keyout",
                  key.toString(),
                  "-out",
                  cert.toString(),
                  "-days",
                  "1",
                  "-subj",
                  "/CN=localhost",
                  "-addext",
                  "subjectAltName=IP:127.0.0.1,DNS:localhost"),
              log);
      if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
        ExternalBinary.stop(run);
        throw new IllegalStateException("openssl failed:\n" + ExternalBinary.tail(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return new SelfSignedCertificate(cert, key);
  }
}
