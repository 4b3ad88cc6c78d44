package io.framewise.inference.efficientformer.weights;

/**
 * The center-crop fraction the weights were evaluated with, and why: the resize before the 224 crop is to
 * {@code floor(224 / fraction)} (0.875: 256, the official EfficientFormer evaluation; 0.95: 235, timm's
 * {@code pretrained_cfg.crop_pct} for these models). A model is served with its weights' own protocol.
 */
public record EvaluationCrop(double fraction, String source) {
    /** The official repository's evaluation (short side 256, center crop 224). */
    public static final EvaluationCrop OFFICIAL = new EvaluationCrop(0.875,
            "official EfficientFormer evaluation (short side 256, crop 224)");
    /** timm's pretrained configuration of the efficientformer* models. */
    public static final EvaluationCrop TIMM = new EvaluationCrop(0.95, "timm pretrained_cfg crop_pct 0.95 (short side 235, crop 224)");
    /** Weights with no evaluation of their own. */
    public static final EvaluationCrop NONE = new EvaluationCrop(0.875,
            "no evaluation belongs to these weights; the official EfficientFormer protocol (short side 256, crop 224)");
}
