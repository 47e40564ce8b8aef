package io.drover.render;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FirstBootValidatorTest {
    @Test
    void acceptsRichConfig() {
        assertThatCode(() -> FirstBootValidator.check(Fixtures.rich())).doesNotThrowAnyException();
    }

    @Test
    void rejectsRelativeFilePath() {
        FirstBoot config = files(new FileEntry("etc/motd", null, null, "hi", false));

        assertThatThrownBy(() -> FirstBootValidator.check(config))
                .isInstanceOf(InvalidFirstBootException.class)
                .hasMessage("firstBoot: storage.files[0].path \"etc/motd\" must be an absolute path; start it with /.");
    }

    @Test
    void rejectsDotDotInPath() {
        FirstBoot config = files(new FileEntry("/etc/../root/x", null, null, "hi", false));

        assertThatThrownBy(() -> FirstBootValidator.check(config)).hasMessageContaining("without //, . or .. segments");
    }

    @Test
    void rejectsPathConfiguredTwice() {
        FirstBoot config = new FirstBoot(List.of(), List.of(new FileEntry("/srv/x", null, null, "", false)),
                List.of(new Directory("/srv/x", null, null)), List.of(), List.of());

        assertThatThrownBy(() -> FirstBootValidator.check(config))
                .hasMessageContaining("storage.directories[0].path \"/srv/x\" is also storage.files[0]");
    }

    @Test
    void rejectsModeOutOfRange() {
        FirstBoot config = files(new FileEntry("/etc/x", 0100644, null, "", false));

        assertThatThrownBy(() -> FirstBootValidator.check(config))
                .hasMessageContaining("storage.files[0].mode 100644 (octal) is not a permission mode");
    }

    @Test
    void rejectsOwnerWithColon() {
        FirstBoot config = files(new FileEntry("/etc/x", null, new Owner("core:wheel", null), "", false));

        assertThatThrownBy(() -> FirstBootValidator.check(config))
                .hasMessageContaining("storage.files[0].user.name \"core:wheel\" is not a valid user or group name");
    }

    @Test
    void rejectsUnitNameWithoutType() {
        FirstBoot config = units(new Unit("app", true, "[Service]\nExecStart=/bin/true\n", List.of()));

        assertThatThrownBy(() -> FirstBootValidator.check(config))
                .hasMessageContaining("systemd.units[0].name \"app\" is not a systemd unit name; use e.g. app.service");
    }

    @Test
    void rejectsDropInNotEndingInConf() {
        FirstBoot config = units(new Unit("app.service", null, null, List.of(new Unit.DropIn("override", "[Service]\n"))));

        assertThatThrownBy(() -> FirstBootValidator.check(config))
                .hasMessageContaining("systemd.units[0].dropins[0].name \"override\" is not a drop-in file name");
    }

    @Test
    void rejectsSameUnitTwice() {
        Unit unit = new Unit("app.service", true, null, List.of());
        FirstBoot config = new FirstBoot(List.of(), List.of(), List.of(), List.of(), List.of(unit, unit));

        assertThatThrownBy(() -> FirstBootValidator.check(config)).hasMessageContaining("is also systemd.units[0]");
    }

    @Test
    void rejectsMultiLineSshKey() {
        FirstBoot config = new FirstBoot(List.of(new User("core", List.of("ssh-ed25519 A\nssh-ed25519 B"), List.of(), null, null)),
                List.of(), List.of(), List.of(), List.of());

        assertThatThrownBy(() -> FirstBootValidator.check(config)).hasMessageContaining("passwd.users[0].sshAuthorizedKeys");
    }

    @Test
    void rejectsRelativeHardLinkTarget() {
        FirstBoot config = new FirstBoot(List.of(), List.of(), List.of(),
                List.of(new Link("/etc/b", "etc/a", true, null)), List.of());

        assertThatThrownBy(() -> FirstBootValidator.check(config)).hasMessageContaining("storage.links[0].target");
    }

    private static FirstBoot files(FileEntry file) {
        return new FirstBoot(List.of(), List.of(file), List.of(), List.of(), List.of());
    }

    private static FirstBoot units(Unit unit) {
        return new FirstBoot(List.of(), List.of(), List.of(), List.of(), List.of(unit));
    }
}
