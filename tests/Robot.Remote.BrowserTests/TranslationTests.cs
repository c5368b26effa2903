using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Robot.Host.Procedure;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// Every procedure state and activity the robot can publish has an English and a Chinese name in
/// the page: a new state in the host without one fails here, not in front of an officer.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class TranslationTests(DemoFixture demo)
{
    [Fact]
    public async Task Every_procedure_state_of_the_host_has_an_English_and_a_Chinese_name()
    {
        var page = await demo.PhoneAsync();
        await page.GotoAsync("/");
        var missing = new List<string>();
        foreach (var state in Enum.GetNames<ProcedureState>())
        {
            missing.AddRange(await MissingAsync(page, "states", state));
        }
        Assert.True(missing.Count == 0, "the page has no name for: " + string.Join(", ", missing));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_activity_the_host_reports_has_an_English_and_a_Chinese_name()
    {
        var activities = HostActivities();
        Assert.Contains("inspecting", activities);
        Assert.Contains("emergencyStop", activities);
        var page = await demo.PhoneAsync();
        await page.GotoAsync("/");
        var missing = new List<string>();
        foreach (var activity in activities)
        {
            missing.AddRange(await MissingAsync(page, "activities", activity));
        }
        Assert.True(missing.Count == 0, "the page has no name for: " + string.Join(", ", missing));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_name_the_page_does_not_know_is_shown_as_the_robot_sent_it_and_the_live_view_shows_names_not_identifiers()
    {
        var page = await demo.PhoneAsync("zh-CN");
        await page.GotoAsync("/");
        Assert.Equal("SomeNewState", await page.EvaluateAsync<string>("stateName('SomeNewState')"));
        Assert.Equal("调整探头离箱壁距离", await page.EvaluateAsync<string>("stateName('HoldingWallDistance')"));
        await Phones.SignInAsync(page, demo.Demo.Accounts, "officer", navigate: false);
        await Phones.OpenRobotAsync(page, DemoFixture.Serial);
        var activity = page.Locator("#s-act");
        await Assertions.Expect(activity).Not.ToBeEmptyAsync();
        var shown = await activity.TextContentAsync() ?? "";
        Assert.Equal(await page.EvaluateAsync<string>("named('activities', last.activity, 'zh')"), shown);
        Assert.Matches(new Regex(@"\p{IsCJKUnifiedIdeographs}"), shown);
        await page.Locator("#lang").TapAsync();
        await Assertions.Expect(activity).ToHaveTextAsync(await page.EvaluateAsync<string>("named('activities', last.activity, 'en')"));
        await page.Context.CloseAsync();
    }

    /// <summary>"table/name/language" for each language in which the page has no name of its own.</summary>
    private static async Task<IEnumerable<string>> MissingAsync(IPage page, string table, string name)
    {
        var missing = new List<string>();
        foreach (var language in new[] { "en", "zh" })
        {
            var has = await page.EvaluateAsync<bool>(
                "([table, name, language]) => Object.hasOwn(T[language][table], name) && T[language][table][name].trim().length > 0",
                new[] { table, name, language });
            if (!has) missing.Add($"{table}/{name}/{language}");
        }
        return missing;
    }

    /// <summary>
    /// The activities the host's telemetry can name: the string literals of
    /// RobotController.ActivityUnlocked (an expression of conditions and names, read from the source).
    /// </summary>
    private static IReadOnlyList<string> HostActivities()
    {
        var source = File.ReadAllText(Path.Combine(DemoFixture.RepoRoot, "src", "Robot.Host", "Control", "RobotController.cs"));
        var body = Regex.Match(source, @"string ActivityUnlocked\(\)\s*=>(?<body>[^;]*);");
        Assert.True(body.Success, "RobotController.ActivityUnlocked() => ...; not found: has the host changed how it names its activity?");
        return [.. Regex.Matches(body.Groups["body"].Value, "\"(\\w+)\"").Select(m => m.Groups[1].Value).Distinct()];
    }
}
