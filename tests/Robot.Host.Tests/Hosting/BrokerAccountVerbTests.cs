using Robot.Host.Hosting;
using Robot.Protocol.Broker;

namespace Robot.Host.Tests.Hosting;

/// <summary>robot-host broker-account: the maintainer's way to give each client its own broker account.</summary>
public sealed class BrokerAccountVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-accounts-").FullName;
    private string File_ => Path.Combine(_dir, "broker-accounts");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = BrokerAccountVerb.Run([.. args, "--file", File_], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Add_makes_up_a_password_prints_it_once_and_keeps_only_its_hash_owner_only()
    {
        var (code, output, error) = Run("add", "officer-li", "--role", "officer", "--robots", "RIR-001,RIR-002");

        Assert.True(code == 0, error);
        var secret = output.Split('\n').Single(l => l.StartsWith("password", StringComparison.Ordinal)).Split(':')[1].Trim();
        Assert.True(secret.Length >= 20, secret);
        Assert.DoesNotContain(secret, File.ReadAllText(File_), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(File_));
        var accounts = BrokerAccounts.Load(File_);
        var account = accounts.Authenticate("officer-li", secret);
        Assert.NotNull(account);
        Assert.Equal(ClientRole.Officer, account.Role);
        Assert.True(account.Covers("RIR-002"));
        Assert.False(account.Covers("RIR-003"));
        Assert.Null(accounts.Authenticate("officer-li", secret + "x"));
        Assert.DoesNotContain("pbkdf2", Run("list").Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--role", "admin")] // no such role
    [InlineData("--role", "1")] // a number is not a role
    [InlineData("--robots", "A:B")]
    public void A_bad_add_is_refused_and_changes_nothing(string option, string value)
    {
        Assert.Equal(0, Run("add", "first", "--role", "observer").Code);
        var before = File.ReadAllText(File_);
        string[] args = option == "--role" ? ["add", "second", option, value] : ["add", "second", "--role", "fleet", option, value];

        var (code, _, error) = Run(args);

        Assert.Equal(1, code);
        Assert.StartsWith("broker-account: ", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(File_));
    }

    [Fact]
    public void A_name_is_added_once_and_removed_once()
    {
        Assert.Equal(0, Run("add", "fleet", "--role", "fleet").Code);
        Assert.Equal(1, Run("add", "fleet", "--role", "fleet").Code);
        Assert.Equal(0, Run("remove", "fleet").Code);
        Assert.Equal(1, Run("remove", "fleet").Code);
        Assert.Empty(BrokerAccounts.Load(File_).All);
    }

    [Fact]
    public void An_account_file_others_can_read_is_refused_by_the_broker()
    {
        Assert.Equal(0, Run("add", "archive", "--role", "archive").Code);
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(File_, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var why = new EmbeddedBrokerOptions { AccountsFile = File_ }.Validate();

        Assert.NotNull(why);
        Assert.Contains("chmod 600", why, StringComparison.Ordinal);
        Assert.Equal(1, Run("list").Code);
    }
}
