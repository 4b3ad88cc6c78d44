package io.framewise.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * This build's images in podman's own store, for what drives the podman command rather than an engine's API
 * (podman-compose): loaded unless the image of that name there is already the one in the tarball.
 */
final class PodmanImages {
    private final String podman;

    PodmanImages(String podman) {
        this.podman = podman;
    }

    void ensure(Path tar) throws IOException, InterruptedException {
        ContainerEngine.Manifest manifest = ContainerEngine.Manifest.of(tar);
        Commands.Result present = Commands.run(Duration.ofSeconds(30),
                List.of(podman, "image", "inspect", "--format", "{{.Id}}", manifest.name()));
        if (present.exitCode() == 0 && manifest.imageId().equals("sha256:" + present.output().trim())) {
            return;
        }
        Commands.check(Duration.ofMinutes(5), podman, "load", "-q", "-i", tar.toString());
    }
}
