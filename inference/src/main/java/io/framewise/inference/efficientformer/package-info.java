/**
 * EfficientFormer (V1: L1, L3, L7) and EfficientFormerV2 (S0, S1, S2, L) built with TensorFlow Java's Ops API, one
 * class per block of the papers, named as timm names them.
 *
 * <p>Sources, as timm cites its own: the architecture follows timm's {@code timm/models/efficientformer.py} and
 * {@code timm/models/efficientformer_v2.py} (github.com/huggingface/pytorch-image-models, Apache License 2.0), which
 * adapt the authors' code (github.com/snap-research/EfficientFormer, Apache License 2.0). The papers: Li et al.,
 * "EfficientFormer: Vision Transformers at MobileNet Speed" (NeurIPS 2022) and "Rethinking Vision Transformers for
 * MobileNet Size and Speed" (ICCV 2023). No code is copied: the blocks are written from the architecture, and the
 * weight keys and shapes are timm's so that its published state dicts load by name.
 *
 * <p>{@link io.framewise.inference.efficientformer.NetBuilder} holds the weights, the parameter and MAC counts and
 * the layers; {@link io.framewise.inference.efficientformer.Conv} describes a convolution the way timm's constructors
 * do; {@link io.framewise.inference.efficientformer.AttentionCore} is the attention product the three attention
 * blocks share; {@link io.framewise.inference.efficientformer.TorchLayout} converts PyTorch's weight layouts.
 */
package io.framewise.inference.efficientformer;
