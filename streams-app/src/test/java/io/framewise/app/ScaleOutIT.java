package io.framewise.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.ClusterScenario;
import io.framewise.app.testing.FramewiseProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scaling out with separate processes: a second {@code framewise run} with the same application id joins mid-stream
 * and takes over part of the partitions; SIGTERM makes it finish, commit, leave the group at once and exit 0, and
 * its partitions go back to the first, well before a session timeout could have noticed. Nothing is lost.
 */
@Tag("multi-process")
class ScaleOutIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();
    static Path model;

    @BeforeAll
    static void start() throws IOException {
        model = fixture.tinyModel("tiny64", 9, 64);
    }

    static List<String> activeMembers(String app) {
        return ClusterScenario.activeMembers(fixture, app);
    }

    @Test
    void aSecondInstanceTakesPartitionsAndGivesThemBackOnSigterm() throws Exception {
        String app = "scale-out";
        String[] args = ClusterScenario.runArgs(fixture, app, model, "exactly_once_v2", "streams");
        try (FramewiseProcess first = FramewiseProcess.start(fixture.root().resolve("first.log"), args)) {
            assertThat(first.awaitLog("is RUNNING", Duration.ofSeconds(90))).as(first.log()).isTrue();
            FramewiseProcess[] second = new FramewiseProcess[1];
            try {
                CompletableFuture<Integer> secondExit = new CompletableFuture<>();
                long[] handover = new long[2];
                ClusterScenario.Accounting result = ClusterScenario.run(fixture, app, 1800, 20, List.of(
                        new ClusterScenario.Step(3, () -> second[0] = FramewiseProcess.start(fixture.root().resolve("second.log"), args)),
                        new ClusterScenario.Step(6, () -> FramewiseProcess.await(Duration.ofSeconds(60),
                                () -> activeMembers(app).size() == 2, "the second instance to own tasks (" + app + ")")),
                        new ClusterScenario.Step(13, () -> {
                            handover[0] = System.nanoTime();
                            new Thread(() -> {
                                try {
                                    secondExit.complete(second[0].terminate(Duration.ofSeconds(60)));
                                } catch (InterruptedException e) {
                                    secondExit.completeExceptionally(e);
                                }
                            }).start();
                            FramewiseProcess.await(Duration.ofSeconds(30), () -> activeMembers(app).size() == 1,
                                    "the first instance to own every task again");
                            handover[1] = System.nanoTime();
                        })), true, Duration.ofSeconds(120));
                double handoverSeconds = (handover[1] - handover[0]) / 1e9;
                System.out.printf(Locale.ROOT, "scale-out: published %d, distinct %d, duplicates %d, missing %d; tasks back on the "
                        + "first instance %.2f s after SIGTERM; event stall %.2f s%n", result.published(), result.distinct(),
                        result.duplicates(), result.missing(), handoverSeconds, result.takeoverSeconds());
                assertThat(secondExit.get(60, TimeUnit.SECONDS)).as(second[0].log()).isZero();
                assertThat(second[0].log()).contains("stopped cleanly");
                assertThat(handoverSeconds).as("left the group at once, not after the 6 s session timeout").isLessThan(6);
                assertThat(result.missing()).isZero();
                assertThat(result.duplicates()).isZero();
                assertThat(result.deadLetters()).as("valid frames yield no dead letter").isZero();
                assertThat(result.outOfOrder()).as("cameras whose events left their order").isZero();
                assertThat(first.isAlive()).isTrue();
            } finally {
                if (second[0] != null) {
                    second[0].close();
                }
            }
        }
    }
}
