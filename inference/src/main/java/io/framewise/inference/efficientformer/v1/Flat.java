package io.framewise.inference.efficientformer.v1;

import io.framewise.inference.efficientformer.NetBuilder;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** {@code Flat}: [B, H, W, C] to tokens [B, H*W, C], token index h*W + w (as NCHW flatten(2).transpose(1, 2)). */
final class Flat {
    private Flat() {
    }

    static Operand<TFloat32> apply(NetBuilder net, Operand<TFloat32> x) {
        int n = NetBuilder.dim(x, 1) * NetBuilder.dim(x, 2);
        return net.tf().reshape(x, net.tf().constant(new int[] {-1, n, NetBuilder.dim(x, 3)}));
    }
}
