package io.framewise.deploy;

import java.net.URI;

import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * Testcontainers' last resort, tried only after every Docker strategy has found no engine (so a developer with Docker
 * uses Docker unchanged): Debian's podman through its Docker-compatible API, started by this JVM
 * ({@link PodmanService}). Registered in {@code META-INF/services}, Testcontainers' own extension point.
 */
public final class PodmanApiStrategy extends DockerClientProviderStrategy {
    @Override
    public String getDescription() {
        return "podman's Docker API (podman system service, started by framewise's tests)";
    }

    @Override
    protected boolean isApplicable() {
        return podmanInstalled();
    }

    static boolean podmanInstalled() {
        return Commands.find("podman").isPresent();
    }

    /** Never written into the user's {@code ~/.testcontainers.properties}: the service lives only as long as this JVM. */
    @Override
    protected boolean isPersistable() {
        return false;
    }

    @Override
    protected int getPriority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public TransportConfig getTransportConfig() {
        return TransportConfig.builder().dockerHost(URI.create("unix://" + PodmanService.socket())).build();
    }

    /**
     * Rootful podman publishes ports on this host, so mapped ports are reached on localhost. Testcontainers would
     * otherwise, seeing {@code /.dockerenv} on these machines, look for a Docker bridge's gateway that podman has not.
     */
    @Override
    public synchronized String getDockerHostIpAddress() {
        return "localhost";
    }
}
