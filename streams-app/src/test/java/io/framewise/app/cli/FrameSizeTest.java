package io.framewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

class FrameSizeTest {
    private final FrameSize.Converter converter = new FrameSize.Converter();

    @Test
    void widthByHeightInEitherCase() {
        assertThat(converter.convert("640x480")).isEqualTo(new FrameSize(640, 480));
        assertThat(converter.convert(" 1920X1080 ")).isEqualTo(new FrameSize(1920, 1080));
    }

    @ParameterizedTest
    @ValueSource(strings = {"64y4", "640", "0x480", "640x-1", "x", "axb"})
    void anythingElseIsRefusedSayingHowToWriteIt(String value) {
        assertThatThrownBy(() -> converter.convert(value)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + value + "'").hasMessageContaining("WIDTHxHEIGHT");
    }

    @Test
    void aBadSizeIsAUsageErrorOfTheCommandThatTookIt() {
        CommandLine cli = FramewiseCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int code = cli.execute("demo", "--size", "big", "--frames", "1");
        assertThat(code).isEqualTo(FramewiseCli.EXIT_USAGE);
        assertThat(err.toString()).contains("Invalid value for option '--size': invalid size 'big'");
    }
}
