using Microsoft.Playwright;
using Robot.Remote.Web;
using static Robot.Remote.BrowserTests.Phones;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// The live view's link indicator says "online" only while this phone has heard telemetry in the
/// last 5 s by its own clock. The page's clock is Playwright's fake one and the live socket is
/// mocked, so the test decides when telemetry comes and how much time passes.
/// </summary>
public sealed class LinkIndicatorTests(ReportPageFixture fixture) : IClassFixture<ReportPageFixture>
{
    [Fact]
    public async Task The_indicator_goes_offline_when_telemetry_stops_for_5_s_and_online_again_when_it_returns()
    {
        var (page, server) = await fixture.PhoneAsync(SampleReports.Clean20());
        await page.Clock.InstallAsync();
        await page.GotoAsync("/");
        // From here the page's time moves only when the test says (the installed clock would otherwise run on).
        await page.Clock.PauseAtAsync(DateTime.UtcNow.AddSeconds(10));
        await page.Locator($"#robot-list button[data-serial='{ReportPageFixture.Serial}']").TapAsync();
        var link = page.Locator("#s-conn");

        await server.SendAsync(Telemetry());
        await Expect(link).ToHaveTextAsync("online");
        await Expect(link).ToHaveClassAsync("online");

        // 4 s of silence is still fresh; past 5 s the page says offline, though its socket is open.
        await page.Clock.RunForAsync(4000);
        await Expect(link).ToHaveTextAsync("online");
        await page.Clock.RunForAsync(2000);
        await Expect(link).ToHaveTextAsync("offline");
        await Expect(link).ToHaveClassAsync("offline");

        // The robot is heard again: online at once, not at the next check.
        await server.SendAsync(Telemetry());
        await Expect(link).ToHaveTextAsync("online");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Stamped a day behind the phone's clock: the indicator goes by when the phone heard it, not by
    /// the robot's stamp (the robot's clock need not agree, and runs fast in a sped-up demo).
    /// </summary>
    private static LiveMessage Telemetry() => new()
    {
        T = "telemetry",
        Telemetry = new LiveTelemetry
        {
            At = DateTimeOffset.UtcNow.AddDays(-1), X = 0, Y = 0, Theta = 0, LinearMps = 0, AngularRadps = 0, LiftHeightM = 0.5,
            DoseRateUSvPerH = 0.07, DetectorStatus = "ok", BatteryPercent = 90, EmergencyStop = false, EmergencyStopSource = "none",
            Activity = "idle", ProcedureState = "Idle",
        },
    };
}
