package io.framewise.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * The container engine of the tests that run containers, and the images this build made, loaded into it. A Docker
 * engine is used when one answers; otherwise podman, through {@link PodmanApiStrategy}. Where neither exists, a test
 * fails with the one line that fixes it: container tests are never skipped.
 */
public final class ContainerEngine {
    static final String PACKAGES = "podman runc golang-github-containernetworking-plugin-dnsname";
    static final String FIX = "no container engine answers (no Docker engine, and podman is not installed)."
            + " Fix: apt-get install " + PACKAGES + " (build/system-packages installs them as root), or start Docker";

    /** The images target/*.tar that this JVM has loaded (or found already loaded), by tarball. */
    private static final Map<Path, DockerImageName> LOADED = new HashMap<>();

    private ContainerEngine() {
    }

    /** The engine's client; fails with {@link #FIX} when there is none. */
    public static DockerClient client() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException(PodmanApiStrategy.podmanInstalled()
                    ? "no container engine answers: podman is installed, but its Docker API (podman system service) "
                            + "did not answer; Testcontainers' error above says why"
                    : FIX);
        }
        return DockerClientFactory.instance().client();
    }

    /**
     * The image in {@code tar} (a Docker archive, as Jib's buildTar writes), loaded into the engine unless an image
     * of that name with the same configuration digest is there already: a rebuild that changed nothing loads nothing.
     */
    public static synchronized DockerImageName image(Path tar) throws IOException {
        Path key = tar.toAbsolutePath().normalize();
        DockerImageName loaded = LOADED.get(key);
        if (loaded != null) {
            return loaded;
        }
        if (!Files.isRegularFile(tar)) {
            throw new IllegalStateException("the image " + tar + " has not been built; build it with ./mvnw package");
        }
        DockerClient client = client();
        Manifest manifest = Manifest.of(tar);
        if (!manifest.imageId().equals(idOf(client, manifest.name()))) {
            long start = System.nanoTime();
            try (InputStream in = Files.newInputStream(tar)) {
                client.loadImageCmd(in).exec();
            }
            System.out.printf("container engine: loaded %s from %s in %.1f s%n", manifest.name(), tar,
                    (System.nanoTime() - start) / 1e9);
        }
        DockerImageName name = DockerImageName.parse(manifest.name());
        LOADED.put(key, name);
        return name;
    }

    private static String idOf(DockerClient client, String name) {
        try {
            return client.inspectImageCmd(name).exec().getId();
        } catch (NotFoundException e) {
            return "";
        }
    }

    /** The name and the image id (the digest of its configuration) that a Docker archive declares. */
    record Manifest(String name, String imageId) {
        private static final Pattern CONFIG = Pattern.compile("\"Config\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern TAG = Pattern.compile("\"RepoTags\"\\s*:\\s*\\[\\s*\"([^\"]+)\"");

        static Manifest of(Path tar) throws IOException {
            String manifest = new String(TarEntries.read(tar, "manifest.json"), StandardCharsets.UTF_8);
            Matcher config = CONFIG.matcher(manifest);
            Matcher tag = TAG.matcher(manifest);
            if (!config.find() || !tag.find()) {
                throw new IllegalStateException(tar + ": manifest.json names no configuration or no tag: " + manifest);
            }
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(TarEntries.read(tar, config.group(1)));
                return new Manifest(tag.group(1), "sha256:" + HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
