using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Robot.Remote.Web;
using Robot.Simulator.Demo;
using static Robot.Remote.BrowserTests.Phones;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// Several phones on one robot (the control lease), the yard map with go-to-point, pause / resume /
/// cancel from the page, and the maintainer's audit tab: Chromium at 360 x 740 with touch against
/// the in-process demo host. Each test leaves the robot's lease free and its e-stop clear.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class SharedControlTests(DemoFixture demo) : IAsyncLifetime
{
    private const string SecondOfficer = "officer2";
    private const string SecondPassword = "officer2-password";

    public Task InitializeAsync()
    {
        var users = demo.Demo.Web!.Services.GetRequiredService<UserStore>();
        if (users.Find(SecondOfficer) is null) users.Add(SecondOfficer, Roles.Officer, SecondPassword);
        FreeLease();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        FreeLease();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_officers_on_one_robot_one_holds_the_lease_the_other_sees_who_is_refused_may_still_stop_and_a_maintainer_takes_over()
    {
        var a = await demo.PhoneAsync();
        await SignInAsync(a, "officer");
        await OpenRobotAsync(a);
        await Expect(a.Locator("#lease")).ToHaveAttributeAsync("data-holder", "");
        await Expect(a.Locator("#lease-text")).ToContainTextAsync("Free: take control here, or your first command");
        await a.Locator("#lease-btn").TapAsync();
        await Expect(a.Locator("#lease")).ToHaveAttributeAsync("data-yours", "true");
        await Expect(a.Locator("#lease-text")).ToHaveTextAsync($"You control {DemoFixture.Serial}");
        await Expect(a.Locator("#lease-btn")).ToHaveTextAsync("Release");

        var b = await demo.PhoneAsync();
        await SignInAsync(b, SecondOfficer, SecondPassword);
        await OpenRobotAsync(b);
        await Expect(b.Locator("#lease")).ToHaveAttributeAsync("data-holder", "officer");
        await Expect(b.Locator("#lease-text")).ToContainTextAsync("Controlled by officer since ");
        await Expect(b.Locator("#lease-btn")).ToBeHiddenAsync(); // officers cannot take over

        // A drives.
        var start = X();
        var cdpA = await a.Context.NewCDPSessionAsync(a);
        await TouchJoystickAsync(cdpA, a, "touchStart", dy: 0);
        await TouchJoystickAsync(cdpA, a, "touchMove", dy: -60);
        await WaitUntilAsync(() => X() > start + 0.2, "the robot moves forward while officer A holds the joystick");
        await TouchJoystickAsync(cdpA, a, "touchEnd", dy: -60);
        await WaitUntilAsync(() => demo.Robot.World.Drive.Command.Linear == 0 && Math.Abs(demo.Robot.World.Drive.MeasuredLinear.MetersPerSecond) < 1e-3,
            "the robot stops when A lets go");

        // B's joystick and lift are refused by the server, with who holds the robot and since when.
        var still = X();
        var cdpB = await b.Context.NewCDPSessionAsync(b);
        await TouchJoystickAsync(cdpB, b, "touchStart", dy: 0);
        await TouchJoystickAsync(cdpB, b, "touchMove", dy: -60);
        await Expect(b.Locator("#toast")).ToContainTextAsync($"Robot {DemoFixture.Serial} is controlled by officer since ");
        var seen = await b.EvaluateAsync<int>("window.telemetryCount");
        await b.WaitForFunctionAsync($"window.telemetryCount >= {seen + 10}", null, new PageWaitForFunctionOptions { Timeout = Patience });
        Assert.True(Math.Abs(X() - still) < 0.01, $"B's joystick moved the robot {X() - still:0.000} m without the lease");
        await ShotAsync(b, "lease-other-phone-refused");
        await TouchJoystickAsync(cdpB, b, "touchEnd", dy: -60);
        await b.Locator("#lift-up").TapAsync();
        await Expect(b.Locator("#toast")).ToContainTextAsync($"Robot {DemoFixture.Serial} is controlled by officer since ");

        // B may still stop it: the emergency stop is never subject to the lease.
        await b.Locator("#estop").TapAsync();
        await Expect(b.Locator("body")).ToHaveAttributeAsync("data-estop", "true");
        await Expect(a.Locator("body")).ToHaveAttributeAsync("data-estop", "true");

        // A maintainer takes over (with a confirm step); A's page says so at once.
        var m = await demo.PhoneAsync();
        await SignInAsync(m, "maintainer");
        await OpenRobotAsync(m);
        await Expect(m.Locator("#lease-btn")).ToHaveTextAsync("Take over");
        await m.Locator("#lease-btn").TapAsync();
        await Expect(m.Locator("#confirm-text")).ToHaveTextAsync($"Take over {DemoFixture.Serial} from officer? Their phone loses control at once.");
        await ShotAsync(m, "lease-takeover-confirm");
        await m.Locator("#confirm-yes").TapAsync();
        await Expect(m.Locator("#lease")).ToHaveAttributeAsync("data-yours", "true");
        await Expect(a.Locator("#lease")).ToHaveAttributeAsync("data-holder", "maintainer");
        await Expect(a.Locator("#lease-text")).ToContainTextAsync("Controlled by maintainer since ");
        await Expect(b.Locator("#lease")).ToHaveAttributeAsync("data-holder", "maintainer");

        // The maintainer clears the stop and reads the audit; officers have no audit tab.
        await m.Locator("#reset-estop").TapAsync();
        await Expect(m.Locator("body")).ToHaveAttributeAsync("data-estop", "false");
        await Expect(a.Locator("#audit-tab")).ToBeHiddenAsync();
        await m.Locator("#audit-tab").TapAsync();
        await Expect(m.Locator("#audit")).ToContainTextAsync("takeOverLease");
        await Expect(m.Locator("#audit")).ToContainTextAsync("conflict");
        await Expect(m.Locator("#audit")).ToContainTextAsync(SecondOfficer);
        await ShotAsync(m, "audit-tab");
        await m.Locator("button[data-tab='drive']").TapAsync();
        await m.Locator("#lease-btn").TapAsync(); // Release
        await Expect(m.Locator("#lease")).ToHaveAttributeAsync("data-holder", "");
        foreach (var page in new[] { a, b, m }) await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Tap_the_map_to_send_the_robot_to_a_point_pause_resume_and_cancel_and_tap_a_container_to_fill_the_form()
    {
        var page = await demo.PhoneAsync();
        await SignInAsync(page, "officer");
        await OpenRobotAsync(page);
        await page.Locator("button[data-tab='map']").TapAsync();
        await Expect(page.Locator($"#map .box[data-number='{DemoYard.Hot40}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#map-robot")).ToHaveAttributeAsync("data-x", new System.Text.RegularExpressions.Regex(@"^-?\d"));

        // Go to a point 5 m behind the robot (open ground beside the lane), after confirming.
        var (x0, y0) = (X(), Y());
        await TapMapAsync(page, x0 - 5, y0 + 1);
        await Expect(page.Locator("#confirm-text")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($@"^Send {DemoFixture.Serial} to \(-?\d+\.\d, -?\d+\.\d\)\?$"));
        // The point under the finger, to a map pixel (about 0.2 m here).
        var picked = (await page.Locator("#confirm-text").TextContentAsync())!.Split('(', ')')[1].Split(", ").Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var target = (X: picked[0], Y: picked[1]);
        Assert.True(Math.Abs(target.X - (x0 - 5)) < 0.3 && Math.Abs(target.Y - (y0 + 1)) < 0.3, $"tapped ({x0 - 5:0.00}, {y0 + 1:0.00}), the page picked {target}");
        await Expect(page.Locator("#map-target")).ToBeVisibleAsync();
        await ShotAsync(page, "map-go-to-confirm");
        await page.Locator("#confirm-yes").TapAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync("driving to");
        await Expect(page.Locator("#lease")).ToHaveAttributeAsync("data-yours", "true"); // the first command took the free lease

        // Pause while it drives: it stops and holds the order; resume: it goes on.
        await Expect(page.Locator("#pause")).ToBeVisibleAsync();
        // The way ahead, from the robot's state (its order's nodes), is drawn on the map.
        await Expect(page.Locator("#map-route")).ToHaveAttributeAsync("points", new System.Text.RegularExpressions.Regex(@"^[\d.-]+,[\d.-]+ [\d.-]+,[\d.-]+"));
        await WaitUntilAsync(() => Distance(x0, y0) > 0.5, "the robot sets off towards the point");
        await page.Locator("#pause").TapAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-order", "paused");
        await Expect(page.Locator("#resume")).ToBeVisibleAsync();
        await WaitUntilAsync(() => Math.Abs(demo.Robot.World.Drive.MeasuredLinear.MetersPerSecond) < 1e-3, "the paused robot stands still");
        await ShotAsync(page, "map-paused");
        await page.Locator("#resume").TapAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-order", "running");
        await WaitUntilAsync(() => double.Hypot(X() - target.X, Y() - target.Y) < 0.3, "the robot reaches the point picked on the map");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-order", "none");
        await Expect(page.Locator("#map-route")).ToHaveAttributeAsync("points", "");
        await Expect(page.Locator("#map-robot")).ToHaveAttributeAsync("data-x", $"{X():0.00}");
        await ShotAsync(page, "map-arrived");

        // Send it back, and cancel on the way (cancel asks first).
        var (x1, y1) = (X(), Y());
        await TapMapAsync(page, x0, y0);
        await page.Locator("#confirm-yes").TapAsync();
        await WaitUntilAsync(() => Distance(x1, y1) > 0.5, "the robot sets off back");
        await page.Locator("#cancel").TapAsync();
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync("Cancel the running order");
        await page.Locator("#confirm-yes").TapAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-order", "none");
        await WaitUntilAsync(() => Math.Abs(demo.Robot.World.Drive.MeasuredLinear.MetersPerSecond) < 1e-3, "the cancelled robot stops");
        Assert.True(double.Hypot(X() - x0, Y() - y0) > 0.5, "the cancelled order did not reach its point");

        // Tap a container: the inspection form is filled with its number, type and pose.
        await page.Locator("button[data-tab='map']").TapAsync();
        await page.Locator($"#map .box[data-number='{DemoYard.Hot40}'] rect:not(.hit)").TapAsync();
        await Expect(page.Locator("#tab-inspect")).ToBeVisibleAsync();
        await Expect(page.Locator("#container")).ToHaveValueAsync(DemoYard.Hot40);
        await Expect(page.Locator("#container-check")).ToContainTextAsync("check digit OK");
        await Expect(page.Locator("#ctype")).ToHaveValueAsync("40ft");
        await Expect(page.Locator("#cx")).ToHaveValueAsync("14");
        await Expect(page.Locator("#cy")).ToHaveValueAsync("-6");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Survey_points_fill_in_on_the_map_and_the_progress_bar_as_telemetry_counts_them()
    {
        // The page's own rendering, fed telemetry as an inspection reports it (a whole inspection in
        // the browser needs the simulator's fast clock; see the inspection browser test).
        var page = await demo.PhoneAsync();
        await SignInAsync(page, "observer");
        await OpenRobotAsync(page);
        await page.Locator("button[data-tab='map']").TapAsync();
        var counted = await page.EvaluateAsync<int[]>("""
            () => {
              // A profile with a 0.43 µSv/h limit: the robot's threshold is 0.50, and the map must go by it.
              const base = { ...last, procedureState: 'Measuring', containerNumber: 'TGHU7720313', pointsPlanned: 48, backgroundUSvPerH: 0.07, thresholdUSvPerH: 0.5 };
              const progress = [];
              [[0, 6, -8.5, null], [1, 8, -8.5, 0.08], [2, 10, -8.5, 0.41], [2, 10.5, -8.5, 0.41], [3, 12, -8.5, 0.55]].forEach(([n, x, y, dose]) => {
                render({ ...base, pointsDone: n, x, y, lastDoseUSvPerH: dose });
                progress.push(document.querySelectorAll('#map-survey circle').length, +document.getElementById('proc-bar').value);
              });
              return progress;
            }
            """);
        Assert.Equal([0, 0, 1, 1, 2, 2, 2, 2, 3, 3], counted);
        await Expect(page.Locator("#map-survey circle").Nth(0)).ToHaveAttributeAsync("fill", "#7ee787"); // 0.08: at background
        await Expect(page.Locator("#map-survey circle").Nth(1)).ToHaveAttributeAsync("fill", "#ffb300"); // 0.41: under the robot's 0.50 (over a fixed 0.32)
        await Expect(page.Locator("#map-survey circle").Nth(2)).ToHaveAttributeAsync("fill", "#ff5252"); // 0.55: over it
        await page.Context.CloseAsync();
    }

    private Task SignInAsync(IPage page, string user, string? password = null) => SignInWithPasswordAsync(page, user, password ?? demo.Demo.Accounts[user]);

    private double X() => demo.Robot.World.TruePose.X.Meters;
    private double Y() => demo.Robot.World.TruePose.Y.Meters;
    private double Distance(double x, double y) => double.Hypot(X() - x, Y() - y);

    private void FreeLease()
    {
        var leases = demo.Demo.Web!.Services.GetRequiredService<ControlLeases>();
        if (leases.Current(DemoFixture.Serial) is { } held) leases.Release(DemoFixture.Serial, held.User);
    }
}
