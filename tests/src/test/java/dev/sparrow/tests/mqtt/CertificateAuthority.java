package dev.sparrow.tests.mqtt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A throw-away certificate authority made with openssl in a folder the caller owns: its PEM certificate is what
 * a client trusts (the agent's {@code TlsTrust}), and it signs server certificates for a TLS listener. P-256 keys keep the
 * generation fast; two days of validity is plenty for a test run and never outlives it by much.
 */
public final class CertificateAuthority {
    /** A server's certificate and private key (PEM), and the CA certificate that signed it. */
    public record ServerCertificate(Path certificate, Path privateKey, Path issuer) {}

    private final Path dir;
    private final String fileStem;
    private final Path certificate;
    private final Path privateKey;

    private CertificateAuthority(Path dir, String fileStem) {
        this.dir = dir;
        this.fileStem = fileStem;
        this.certificate = dir.resolve(fileStem + ".pem");
        this.privateKey = dir.resolve(fileStem + ".key");
    }

    /**
     * Makes a self-signed CA whose files are {@code dir/fileStem.pem} and {@code dir/fileStem.key}.
     * The common name is what a handshake failure names, so give each CA of a test a different one.
     */
    public static CertificateAuthority create(Path dir, String fileStem, String commonName)
            throws IOException, InterruptedException {
        Path openssl = Executables.require("openssl");
        CertificateAuthority ca = new CertificateAuthority(dir, fileStem);
        // An own config keeps the result independent of the system's openssl.cnf defaults.
        Path config = dir.resolve(fileStem + ".cnf");
        Files.writeString(config, """
                [req]
                prompt = no
                distinguished_name = dn
                x509_extensions = ca_extensions
                [dn]
                CN = %s
                [ca_extensions]
                basicConstraints = critical, CA:TRUE
                keyUsage = critical, keyCertSign, cRLSign
                subjectKeyIdentifier = hash
                """.formatted(commonName));
        Executables.run(dir, List.of(openssl.toString(), "req", "-x509", "-config", config.toString(),
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.privateKey.toString(), "-out", ca.certificate.toString(), "-days", "2"));
        return ca;
    }

    /** The CA certificate (PEM) a client puts in its trust store. */
    public Path certificate() {
        return certificate;
    }

    /**
     * Signs a server certificate for a TLS listener. {@code subjectAltNames} are openssl's form, e.g.
     * {@code "IP:127.0.0.1", "DNS:localhost"}: a client that verifies host names checks the address it dialled
     * against exactly these.
     */
    public ServerCertificate issueServerCertificate(String name, String... subjectAltNames)
            throws IOException, InterruptedException {
        Path openssl = Executables.require("openssl");
        String stem = fileStem + "-" + name;
        Path requestConfig = dir.resolve(stem + ".cnf");
        Files.writeString(requestConfig, """
                [req]
                prompt = no
                distinguished_name = dn
                [dn]
                CN = %s
                """.formatted(name));
        Path extensions = dir.resolve(stem + ".ext");
        Files.writeString(extensions, """
                basicConstraints = critical, CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = serverAuth
                authorityKeyIdentifier = keyid
                subjectAltName = %s
                """.formatted(String.join(", ", subjectAltNames)));
        Path key = dir.resolve(stem + ".key");
        Path request = dir.resolve(stem + ".csr");
        Path cert = dir.resolve(stem + ".pem");
        Executables.run(dir, List.of(openssl.toString(), "req", "-new", "-config", requestConfig.toString(),
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", request.toString()));
        // A random serial instead of -CAcreateserial: no serial file to keep, and no two certificates alike.
        byte[] serial = new byte[12];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f;
        Executables.run(dir, List.of(openssl.toString(), "x509", "-req", "-in", request.toString(),
                "-CA", certificate.toString(), "-CAkey", privateKey.toString(),
                "-set_serial", "0x" + HexFormat.of().formatHex(serial), "-days", "2",
                "-extfile", extensions.toString(), "-out", cert.toString()));
        return new ServerCertificate(cert, key, certificate);
    }
}
