package io.framewise.inference.efficientformer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The seven EfficientFormer variants, as data: the tables of the V1 paper ("Vision Transformers at MobileNet Speed")
 * and the V2 paper ("Rethinking Vision Transformers for MobileNet Size and Speed"), with timm's names, and the
 * reference figures (parameters with both heads, GMACs at 224x224, ImageNet top-1) the implementation is held to.
 */
public enum Variant {
    EFFICIENTFORMER_L1("efficientformer_l1", Version.V1, new int[] {48, 96, 224, 448}, new int[] {3, 2, 6, 4}, 1,
            null, 12_289_928L, 1.30, 80.50),
    EFFICIENTFORMER_L3("efficientformer_l3", Version.V1, new int[] {64, 128, 320, 512}, new int[] {4, 4, 12, 6}, 4,
            null, 31_406_000L, 3.93, 82.56),
    EFFICIENTFORMER_L7("efficientformer_l7", Version.V1, new int[] {96, 192, 384, 768}, new int[] {6, 6, 18, 8}, 8,
            null, 82_229_328L, 10.17, 83.40),
    EFFICIENTFORMERV2_S0("efficientformerv2_s0", Version.V2, new int[] {32, 48, 96, 176}, new int[] {2, 2, 6, 4}, 2,
            new int[][] {{4, 3, 3, 3, 4, 4}, {4, 3, 3, 4}}, 3_600_256L, 0.41, 76.10),
    EFFICIENTFORMERV2_S1("efficientformerv2_s1", Version.V2, new int[] {32, 48, 120, 224}, new int[] {3, 3, 9, 6}, 2,
            new int[][] {{4, 4, 3, 3, 3, 3, 4, 4, 4}, {4, 4, 3, 3, 4, 4}}, 6_185_560L, 0.67, 79.68),
    EFFICIENTFORMERV2_S2("efficientformerv2_s2", Version.V2, new int[] {32, 64, 144, 288}, new int[] {4, 4, 12, 8}, 4,
            new int[][] {{4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4}, {4, 4, 3, 3, 3, 3, 4, 4}}, 12_710_112L, 1.27, 82.16),
    EFFICIENTFORMERV2_L("efficientformerv2_l", Version.V2, new int[] {40, 80, 192, 384}, new int[] {5, 5, 15, 10}, 6,
            new int[][] {{4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4}, {4, 4, 4, 3, 3, 3, 3, 4, 4, 4}}, 26_322_288L, 2.59, 83.64);

    public enum Version { V1, V2 }

    /** Input resolution: the attention bias tables are sized for a 7x7 final grid. */
    public static final int INPUT_SIZE = 224;
    public static final int NUM_CLASSES = 1000;

    private final String timmName;
    private final Version version;
    private final int[] widths;
    private final int[] depths;
    private final int numVit;
    private final int[][] mlpRatiosStage23;
    private final long referenceParameters;
    private final double referenceGmacs;
    private final double timmTop1;

    Variant(String timmName, Version version, int[] widths, int[] depths, int numVit, int[][] mlpRatiosStage23,
            long referenceParameters, double referenceGmacs, double timmTop1) {
        this.timmName = timmName;
        this.version = version;
        this.widths = widths;
        this.depths = depths;
        this.numVit = numVit;
        this.mlpRatiosStage23 = mlpRatiosStage23;
        this.referenceParameters = referenceParameters;
        this.referenceGmacs = referenceGmacs;
        this.timmTop1 = timmTop1;
    }

    public String timmName() {
        return timmName;
    }

    public Version version() {
        return version;
    }

    public int width(int stage) {
        return widths[stage];
    }

    public int depth(int stage) {
        return depths[stage];
    }

    /**
     * timm's {@code num_vit}: how many of the last blocks carry attention. V1: of the last stage (its Meta3D blocks);
     * V2: of each of the last two stages.
     */
    public int numVit() {
        return numVit;
    }

    /** How many of the last blocks of {@code stage} carry attention: {@link #numVit()} where timm puts them, else 0. */
    public int attentionBlocks(int stage) {
        if (version == Version.V1) {
            return stage == 3 ? numVit : 0;
        }
        return stage >= 2 ? numVit : 0;
    }

    /** MLP hidden ratio of block {@code block} of {@code stage} (V1: always 4). */
    public int mlpRatio(int stage, int block) {
        return version == Version.V1 || stage < 2 ? 4 : mlpRatiosStage23[stage - 2][block];
    }

    /** Stem output channels of its first convolution (half the first stage's width). */
    public int stemWidth() {
        return widths[0] / 2;
    }

    public long referenceParameters() {
        return referenceParameters;
    }

    public double referenceGmacs() {
        return referenceGmacs;
    }

    public double timmTop1() {
        return timmTop1;
    }

    /** timm's model repository of the ImageNet-1k weights, e.g. timm/efficientformer_l1.snap_dist_in1k. */
    public String timmWeightsRepository() {
        return "timm/" + timmName + ".snap_dist_in1k";
    }

    /**
     * Accepts timm's spelling ({@code efficientformer_l1}, {@code efficientformerv2_s0}), the enum name, and short
     * forms ({@code l1}, {@code v2-s0}, {@code v2_l}).
     */
    public static Variant parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Variant v : values()) {
            String shortName = v.timmName.replace("efficientformerv2_", "v2_").replace("efficientformer_", "");
            if (n.equals(v.timmName) || n.equals(v.name().toLowerCase(Locale.ROOT)) || n.equals(shortName)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown EfficientFormer variant '" + name + "'; known: "
                + Arrays.stream(values()).map(Variant::timmName).collect(Collectors.joining(", "))
                + " (or short forms l1, l3, l7, v2-s0, v2-s1, v2-s2, v2-l)");
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Variant::timmName).toList();
    }
}
