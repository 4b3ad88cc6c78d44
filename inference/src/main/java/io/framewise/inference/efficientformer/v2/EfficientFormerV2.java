package io.framewise.inference.efficientformer.v2;

import java.util.LinkedHashMap;
import java.util.Map;

import io.framewise.inference.efficientformer.Affine;
import io.framewise.inference.efficientformer.DistilledHead;
import io.framewise.inference.efficientformer.NetBuilder;
import io.framewise.inference.efficientformer.Outputs;
import io.framewise.inference.efficientformer.Variant;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * EfficientFormerV2: Stem4, four stages of FFN blocks whose last blocks in stages 2 and 3 carry Attention4D
 * (stride 2 in the 14x14 stage), downsampling between stages (with Attention4DDownsample before the last), then
 * BatchNorm, the spatial mean, and the distilled head (the BatchNorm folds into the head).
 */
public final class EfficientFormerV2 {
    private EfficientFormerV2() {
    }

    public static Outputs build(NetBuilder net, Operand<TFloat32> images, Variant variant, int classes) {
        Map<String, Operand<TFloat32>> stages = new LinkedHashMap<>();
        Operand<TFloat32> x = Stem4.apply(net, images, variant.width(0));
        stages.put("stem", x);
        for (int s = 0; s < 4; s++) {
            int dim = variant.width(s);
            String stage = "stages." + s;
            if (s > 0) {
                x = Downsample.apply(net, x, stage + ".downsample", dim, s == 3);
            }
            int depth = variant.depth(s);
            int firstAttention = depth - variant.attentionBlocks(s);
            for (int b = 0; b < depth; b++) {
                x = EfficientFormerV2Block.apply(net, x, stage + ".blocks." + b, dim, variant.mlpRatio(s, b),
                        b >= firstAttention, s == 2 ? 2 : 1);
            }
            stages.put(stage, x);
        }
        int channels = variant.width(3);
        Affine norm = net.batchNorm("norm", channels, NetBuilder.elementsPerSample(x));
        Operand<TFloat32> pooled = net.tf().math.mean(x, net.tf().constant(new int[] {1, 2}));
        Operand<TFloat32> logits = DistilledHead.apply(net, pooled, norm, classes);
        return new Outputs(logits, stages, net.weights().parameters(), net.weights().macs());
    }
}
