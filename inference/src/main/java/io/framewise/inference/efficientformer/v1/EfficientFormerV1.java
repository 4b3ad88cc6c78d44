package io.framewise.inference.efficientformer.v1;

import java.util.LinkedHashMap;
import java.util.Map;

import io.framewise.inference.efficientformer.DistilledHead;
import io.framewise.inference.efficientformer.NetBuilder;
import io.framewise.inference.efficientformer.Outputs;
import io.framewise.inference.efficientformer.Variant;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * EfficientFormer (V1): Stem4, four stages of Meta4D blocks with a downsampling convolution before stages 1-3, the
 * last {@code vit_num} blocks of the last stage being Meta3D (attention) blocks after a {@code Flat} step that takes
 * one block index, then LayerNorm, the token mean, and the distilled head.
 */
public final class EfficientFormerV1 {
    private EfficientFormerV1() {
    }

    public static Outputs build(NetBuilder net, Operand<TFloat32> images, Variant variant, int classes) {
        Map<String, Operand<TFloat32>> stages = new LinkedHashMap<>();
        Operand<TFloat32> x = Stem4.apply(net, images, variant.width(0));
        stages.put("stem", x);
        for (int s = 0; s < 4; s++) {
            int dim = variant.width(s);
            String stage = "stages." + s;
            if (s > 0) {
                x = Downsample.apply(net, x, stage + ".downsample", dim);
            }
            int meta4d = variant.depth(s) - variant.attentionBlocks(s);
            for (int b = 0; b < meta4d; b++) {
                x = MetaBlock2d.apply(net, x, stage + ".blocks." + b, dim, variant.mlpRatio(s, b));
            }
            if (s == 3) {
                x = Flat.apply(net, x); // takes block index meta4d; the Meta3D blocks follow it
                for (int b = meta4d + 1; b <= variant.depth(s); b++) {
                    x = MetaBlock1d.apply(net, x, stage + ".blocks." + b, dim, variant.mlpRatio(s, b));
                }
            }
            stages.put(stage, x);
        }
        Operand<TFloat32> normed = net.layerNorm(x, "norm");
        Operand<TFloat32> pooled = net.tf().math.mean(normed, net.tf().constant(1));
        Operand<TFloat32> logits = DistilledHead.apply(net, pooled, null, classes);
        return new Outputs(logits, stages, net.weights().parameters(), net.weights().macs());
    }
}
