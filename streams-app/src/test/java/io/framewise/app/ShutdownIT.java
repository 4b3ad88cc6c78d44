package io.framewise.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.ClusterScenario;
import io.framewise.app.testing.FramewiseProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM with frames in flight (depth 8, frames held up to 50 ms in the engine, traffic flowing): the instance
 * commits, leaves and exits 0; the frames it had in flight were committed in its in-flight store together with the
 * offsets that cover them, and the instance started after it produces their outcomes. Under exactly-once, every frame
 * yields exactly one outcome, in each camera's order.
 */
@Tag("multi-process")
class ShutdownIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();
    static Path model;

    @BeforeAll
    static void start() throws IOException {
        model = fixture.tinyModel("tiny64", 12, 64);
    }

    @Test
    void framesInFlightAtSigtermAreProducedExactlyOnceByTheNextInstance() throws Exception {
        String app = "shutdown";
        String[] args = ClusterScenario.runArgs(fixture, app, model, "exactly_once_v2", "streams");
        FramewiseProcess[] next = new FramewiseProcess[1];
        int[] exit = {-1};
        try (FramewiseProcess first = FramewiseProcess.start(fixture.root().resolve("first.log"), args)) {
            assertThat(first.awaitLog("is RUNNING", Duration.ofSeconds(90))).as(first.log()).isTrue();
            // warm before joining: the real path ran at every batch size before the instance reported RUNNING
            String startLog = first.log();
            assertThat(startLog.indexOf("warm-up of")).as(startLog).isNotNegative().isLessThan(startLog.indexOf("is RUNNING"));
            // "started" means processing: said once tasks are assigned, never beside a state such as REBALANCING
            assertThat(first.awaitLog("framewise run: started: processing", Duration.ofSeconds(60))).as(first.log()).isTrue();
            String started = first.log();
            assertThat(started.indexOf("joining the group")).as(started).isNotNegative()
                    .isLessThan(started.indexOf("is RUNNING"));
            assertThat(started.indexOf("is RUNNING")).isLessThan(started.indexOf("framewise run: started: processing"));
            assertThat(started).doesNotContain("started (REBALANCING)");
            ClusterScenario.Accounting result = ClusterScenario.run(fixture, app, 1500, 12, List.of(
                    new ClusterScenario.Step(4, () -> exit[0] = first.terminate(Duration.ofSeconds(60))),
                    new ClusterScenario.Step(5, () -> next[0] = FramewiseProcess.start(fixture.root().resolve("next.log"), args))),
                    true, Duration.ofSeconds(120));
            System.out.printf(Locale.ROOT, "shutdown: published %d, distinct %d, duplicates %d, missing %d, out of order %d%n",
                    result.published(), result.distinct(), result.duplicates(), result.missing(), result.outOfOrder());
            assertThat(exit[0]).as(first.log()).isZero();
            assertThat(first.log()).contains("stopped cleanly");
            assertThat(result.missing()).as("frames lost").isZero();
            assertThat(result.duplicates()).as("duplicates under exactly-once").isZero();
            assertThat(result.deadLetters()).isZero();
            assertThat(result.outOfOrder()).isZero();
            assertThat(next[0].log()).contains("were in flight at the last commit; starting them again");
        } finally {
            if (next[0] != null) {
                next[0].close();
            }
        }
    }
}
