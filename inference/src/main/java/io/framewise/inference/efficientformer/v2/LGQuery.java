package io.framewise.inference.efficientformer.v2;

import static io.framewise.inference.efficientformer.Conv.conv;
import static io.framewise.inference.efficientformer.Conv.convNorm;

import java.util.List;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The local-global query of Attention4DDownsample (timm {@code LGQuery}): a stride-2 subsampling (AvgPool2d(1, 2),
 * i.e. every other pixel) plus a depthwise 3x3 stride-2 convolution, then a 1x1 ConvNorm projection.
 */
final class LGQuery {
    private LGQuery() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x, String prefix, int out) {
        int in = NetBuilder.dim(x, 3);
        Operand<TFloat32> local = net.conv(x, conv(prefix + ".local", in).kernelSize(3).stride(2).padding(1).depthwise());
        Operand<TFloat32> pool = net.tf().nn.avgPool(x, List.of(1L, 1L, 1L, 1L), List.of(1L, 2L, 2L, 1L), "VALID");
        return net.conv(net.addToDepthwise(local, pool), convNorm(prefix + ".proj", out));
    }
}
