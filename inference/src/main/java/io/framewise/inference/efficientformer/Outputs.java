package io.framewise.inference.efficientformer;

import java.util.Map;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A built network: the logits (mean of the classifier and the distillation classifier), the activations after the
 * stem and each stage (named as the reference's stage sums), and what the network counts.
 */
public record Outputs(Operand<TFloat32> logits, Map<String, Operand<TFloat32>> stages, long parameters, long macs) {
}
