package io.framewise.app.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.framewise.inference.serving.ServedModel;
import org.junit.jupiter.api.Test;

class DemoLoadTest {
    private static final long MS = 1_000_000;

    @Test
    void theCamerasOfferAQuarterOfWhatTheCoresCarryAtTheCostWarmUpMeasured() {
        // 50 ms of batch share on 1 thread + 5 ms decode and preprocess + 2 ms for the camera = 57 ms a frame;
        // 2 cores carry 35.1 frames/s; a quarter of it among 3 cameras is 2.9 fps each (rounded down to a tenth)
        DemoLoad.Choice c = DemoLoad.choose(new ServedModel.FrameCost(50 * MS, 5 * MS), 1, 2 * MS, 2, 3);
        assertThat(c.capacityFps()).isCloseTo(35.09, offset(0.01));
        assertThat(c.fpsPerCamera()).isEqualTo(2.9);
        assertThat(c.fpsPerCamera() * 3).isLessThanOrEqualTo(c.capacityFps() / 4);
        assertThat(c.why()).contains("57.0 ms of CPU").contains("2 core(s) carry about 35 frames/s").contains("a quarter");
    }

    @Test
    void aBatchOnSeveralThreadsCostsEachOfThem() {
        DemoLoad.Choice one = DemoLoad.choose(new ServedModel.FrameCost(20 * MS, 0), 1, 0, 4, 1);
        DemoLoad.Choice four = DemoLoad.choose(new ServedModel.FrameCost(20 * MS, 0), 4, 0, 4, 1);
        assertThat(four.capacityFps()).isCloseTo(one.capacityFps() / 4, offset(0.01));
    }

    @Test
    void aFastMachineFilmsAtTenFpsAndASlowOneAtATenthAtLeast() {
        DemoLoad.Choice fast = DemoLoad.choose(new ServedModel.FrameCost(1 * MS, MS), 1, MS, 8, 3);
        assertThat(fast.fpsPerCamera()).isEqualTo(10.0);
        assertThat(fast.why()).contains("less than a quarter");
        DemoLoad.Choice slow = DemoLoad.choose(new ServedModel.FrameCost(30_000 * MS, MS), 1, MS, 1, 3);
        assertThat(slow.fpsPerCamera()).isEqualTo(0.1);
    }
}
