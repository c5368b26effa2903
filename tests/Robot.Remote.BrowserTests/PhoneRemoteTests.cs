using System.Text.Json;
using Microsoft.Playwright;
using Robot.Simulator.Demo;
using static Robot.Remote.BrowserTests.Phones;

namespace Robot.Remote.BrowserTests;

/// <summary>The phone remote in Chromium at 360 x 740 with touch, against the in-process demo host.</summary>
[Collection(DemoCollection.Name)]
public sealed class PhoneRemoteTests(DemoFixture demo)
{
    [Fact]
    public async Task Officer_signs_in_sees_the_robot_online_and_the_joystick_drives_and_releasing_stops()
    {
        var page = await demo.PhoneAsync();
        await SignInAsync(page, "officer");
        await Expect(page.Locator($"#robot-list button[data-serial='{DemoFixture.Serial}'] .online")).ToBeVisibleAsync();
        await ShotAsync(page, "robots");
        await OpenRobotAsync(page);
        // The VDA 5050 operating mode (the page asked for the state on opening) and the detector's status.
        await Expect(page.Locator("#s-mode")).ToHaveTextAsync("automatic");
        await Expect(page.Locator("#s-det")).ToHaveTextAsync("ok");

        var start = X();
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await TouchJoystickAsync(cdp, page, "touchStart", dy: 0);
        await TouchJoystickAsync(cdp, page, "touchMove", dy: -60); // push forward
        await WaitUntilAsync(() => X() > start + 0.2, "the robot moves forward while the finger is down");
        await Expect(page.Locator("#s-mode")).ToHaveTextAsync("manual");
        await ShotAsync(page, "live-driving");
        await TouchJoystickAsync(cdp, page, "touchEnd", dy: -60);
        await WaitUntilAsync(() => demo.Robot.World.Drive.Command.Linear == 0 && Math.Abs(demo.Robot.World.Drive.MeasuredLinear.MetersPerSecond) < 1e-3,
            "the robot stops when the finger is lifted");
        await Expect(page.Locator("#s-mode")).ToHaveTextAsync("automatic");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Emergency_stop_latches_nothing_moves_until_a_maintainer_resets_it()
    {
        var officer = await demo.PhoneAsync();
        await SignInAsync(officer, "officer");
        await OpenRobotAsync(officer);
        await officer.Locator("#estop").TapAsync();
        await Expect(officer.Locator("body")).ToHaveAttributeAsync("data-estop", "true");
        await ShotAsync(officer, "estop-latched");

        // Hold the joystick forward for ten telemetry messages: the robot does not move.
        var start = X();
        var cdp = await officer.Context.NewCDPSessionAsync(officer);
        await TouchJoystickAsync(cdp, officer, "touchStart", dy: 0);
        await TouchJoystickAsync(cdp, officer, "touchMove", dy: -60);
        var seen = await TelemetryCount(officer);
        await officer.WaitForFunctionAsync($"window.telemetryCount >= {seen + 10}", null, new PageWaitForFunctionOptions { Timeout = Patience });
        Assert.True(Math.Abs(X() - start) < 0.01, $"the robot moved {X() - start:0.000} m with the e-stop latched");
        await TouchJoystickAsync(cdp, officer, "touchEnd", dy: -60);

        // An officer may not reset it: refused in the page.
        await officer.Locator("#reset-estop").TapAsync();
        await Expect(officer.Locator("#toast")).ToContainTextAsync("maintainer");
        await Expect(officer.Locator("body")).ToHaveAttributeAsync("data-estop", "true");

        var maintainer = await demo.PhoneAsync();
        await SignInAsync(maintainer, "maintainer");
        await OpenRobotAsync(maintainer);
        await maintainer.Locator("#reset-estop").TapAsync();
        await Expect(maintainer.Locator("body")).ToHaveAttributeAsync("data-estop", "false");
        await Expect(officer.Locator("body")).ToHaveAttributeAsync("data-estop", "false");

        var audit = await maintainer.EvaluateAsync<string>("async () => JSON.stringify(await (await fetch('/api/audit')).json())");
        Assert.Contains("resetEmergencyStop", audit, StringComparison.Ordinal);
        Assert.Contains("emergencyStop", audit, StringComparison.Ordinal);
        await officer.Context.CloseAsync();
        await maintainer.Context.CloseAsync();
    }

    [Fact]
    public async Task Observer_commands_are_refused_in_the_page_and_by_the_server_with_403()
    {
        var page = await demo.PhoneAsync();
        await SignInAsync(page, "observer");
        await OpenRobotAsync(page);
        await page.Locator("#lift-up").TapAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync("Observers may watch only");
        await ShotAsync(page, "observer-refused");

        foreach (var path in new[] { "estop", "lift", "reset-estop", "inspect" })
        {
            var status = await page.EvaluateAsync<int>($$"""
                async () => (await fetch('/api/robots/{{DemoFixture.Serial}}/{{path}}', { method: 'POST',
                    headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf },
                    body: JSON.stringify({ heightM: 1, containerNumber: 'CSQU3054383', containerType: '20ft', x: 12, y: 4 }) })).status
                """);
            Assert.Equal(403, status);
        }
        var audit = await page.EvaluateAsync<int>("async () => (await fetch('/api/audit')).status");
        Assert.Equal(403, audit);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_check_digit_is_flagged_as_typed_and_refused_by_the_server_with_a_clear_message()
    {
        var page = await demo.PhoneAsync();
        await SignInAsync(page, "officer");
        await OpenRobotAsync(page);
        await page.Locator("button[data-tab='inspect']").TapAsync();
        await page.Locator("#container").FillAsync(DemoYard.Hot40[..10] + "0");
        await Expect(page.Locator("#container-check")).ToContainTextAsync("wrong check digit: it should be 3");
        await page.Locator("#start-inspection").TapAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync("the check digit is 0, it should be 3");
        await ShotAsync(page, "inspect-check-digit");

        await page.Locator("#container").FillAsync(DemoYard.Hot40);
        await Expect(page.Locator("#container-check")).ToContainTextAsync("check digit OK");
        await page.Locator("#cx").FillAsync("5000");
        await page.Locator("#start-inspection").TapAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync("outside the yard");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_language_switch_changes_the_page_and_a_Chinese_browser_starts_in_Chinese()
    {
        var page = await demo.PhoneAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#signin h1")).ToHaveTextAsync("Sign in");
        await page.Locator("#lang").TapAsync();
        await Expect(page.Locator("#signin h1")).ToHaveTextAsync("登录");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await SignInAsync(page, "officer", navigate: false);
        await Expect(page.Locator("#robots h1")).ToHaveTextAsync("机器人");
        await ShotAsync(page, "robots-zh");
        await page.Context.CloseAsync();

        var chinese = await demo.PhoneAsync("zh-CN");
        await chinese.GotoAsync("/");
        await Expect(chinese.Locator("#signin h1")).ToHaveTextAsync("登录");
        await chinese.Context.CloseAsync();
    }

    [Fact]
    public async Task A_command_after_the_session_is_gone_sends_the_officer_back_to_sign_in_with_a_clear_message()
    {
        var page = await demo.PhoneAsync();
        await SignInAsync(page, "officer");
        await OpenRobotAsync(page);
        await page.Context.ClearCookiesAsync(); // the session cookie expired or was revoked
        await page.Locator("#lift-up").TapAsync();
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("Session expired: sign in again");
        await page.Context.CloseAsync();
    }

    private Task SignInAsync(IPage page, string user, bool navigate = true) => SignInWithPasswordAsync(page, user, demo.Demo.Accounts[user], navigate);

    private double X() => demo.Robot.World.TruePose.X.Meters;

    private static async Task<int> TelemetryCount(IPage page) => await page.EvaluateAsync<int>("window.telemetryCount || 0");

}
